/** The Redis result backend's chord join, in Celery's keys. */
package dev.celeriac.result.redis;
