/**
 * A small event pipeline in the shape of Sentry's Celery tasks: events are saved by cache key (an id, not
 * the object), projects get digests, and a nightly job cleans up old events.
 */
package dev.celeriac.sample;
