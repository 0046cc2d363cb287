/**
 * The RabbitMQ broker ({@code amqp://}, {@code amqps://}): Celery's topology and message format over
 * amqp-client, publisher confirms, manual acks, delay queues for etas and a {@code <queue>.dead} queue.
 */
package dev.celeriac.broker.amqp;
