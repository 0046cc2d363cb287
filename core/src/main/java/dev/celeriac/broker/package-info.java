/**
 * The one small interface every broker implements (publish, fetch, acknowledge, park, dead-letter), so
 * that a worker never knows which broker it runs on, and the roles a broker may add for Celery's fleet
 * conversations ({@link dev.celeriac.broker.EventPublisher}, {@link dev.celeriac.broker.ControlMailbox},
 * {@link dev.celeriac.broker.RevokeStore}). One sub-package per broker; {@link dev.celeriac.broker.Brokers} opens the
 * one a URL names through the {@link dev.celeriac.broker.BrokerProvider} its module registers for the scheme.
 */
package dev.celeriac.broker;
