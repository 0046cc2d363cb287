/**
 * Celery's remote control ({@code kombu.pidbox}): a worker node that answers {@code inspect} and
 * {@code control} requests with Celery's reply shapes, the client that asks them (Celeriac's own
 * {@code inspect} and {@code control} commands, and mingle's {@code hello} at worker start).
 */
package dev.celeriac.control;
