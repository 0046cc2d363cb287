/**
 * Celery's event protocol: the events a worker and a producer send on the {@code celeryev} exchange (worker
 * heartbeats, task events batched as {@code task.multi}), with Celery's field names and Lamport clock, so that
 * {@code celery events}, Flower and {@code app.events.Receiver} see Celeriac workers as Celery ones.
 */
package dev.celeriac.events;
