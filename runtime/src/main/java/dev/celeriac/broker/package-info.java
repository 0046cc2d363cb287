/**
 * The one small interface every broker implements (publish, fetch, acknowledge, park, dead-letter), so
 * that a worker never knows which broker it runs on, and the roles a broker may add for Celery's fleet
 * conversations ({@link dev.celeriac.broker.EventPublisher}, {@link dev.celeriac.broker.ControlMailbox},
 * {@link dev.celeriac.broker.RevokeStore}). One sub-package per broker.
 */
package dev.celeriac.broker;
