/** Celery's Redis result backend: {@code celery-task-meta-<id>} keys, SETEX and PUBLISH, SUBSCRIBE to wait. */
package dev.celeriac.result.redis;
