/** Celery's {@code rpc://} result backend on RabbitMQ: results as replies to the producer's own queue. */
package dev.celeriac.result.rpc;
