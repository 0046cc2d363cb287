/**
 * The interface every broker implements, {@link dev.celeriac.broker.Broker}, made of one small interface per role
 * ({@link dev.celeriac.broker.MessagePublisher}, {@link dev.celeriac.broker.MessageConsumer},
 * {@link dev.celeriac.broker.QueueAdministration}, {@link dev.celeriac.broker.CronLock}), so that a worker never
 * knows which broker it runs on and code that needs one role depends on that one; and the roles a broker may add for
 * Celery's fleet conversations ({@link dev.celeriac.broker.EventPublisher}, {@link dev.celeriac.broker.ControlMailbox},
 * {@link dev.celeriac.broker.RevokeStore}). One sub-package per broker; {@link dev.celeriac.broker.Brokers} opens the
 * one a URL names through the {@link dev.celeriac.broker.BrokerProvider} its module registers for the scheme.
 */
package dev.celeriac.broker;
