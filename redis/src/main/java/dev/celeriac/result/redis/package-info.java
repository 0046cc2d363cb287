/**
 * Celery's Redis result backend: {@code celery-task-meta-<id>} keys, SETEX and PUBLISH, SUBSCRIBE to wait; and the
 * chord join in Celery's {@code celery-taskset-meta-<gid>.s|.j|.t} keys.
 */
package dev.celeriac.result.redis;
