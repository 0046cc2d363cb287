package dev.celeriac.broker;

import java.util.Optional;

/**
 * A message broker as Celeriac uses it: every role a broker plays, in one object that a {@link BrokerProvider} opens
 * and its owner closes. Code that needs one role takes that role: a producer a {@link MessagePublisher}, a consumer a
 * {@link MessageConsumer}, the cron scheduler a {@link CronLock}, operators' commands a {@link QueueAdministration}.
 * Implementations are thread-safe.
 *
 * <p>Delivery is at least once: a fetched message stays in flight until its {@link Delivery} is acked,
 * retried, deferred, dead-lettered or requeued, and comes back to its queue if the fetching process dies.
 */
public interface Broker extends MessagePublisher, MessageConsumer, QueueAdministration, CronLock, AutoCloseable {

  /** The broker URL with any password masked, for logs and messages. */
  String displayUrl();

  /**
   * Checks, with one round trip and no retry, that the broker answers now: for health checks. Throws {@link
   * BrokerException} when it does not.
   */
  void ping();

  /**
   * Celery's events, remote control and a durable revoke store on this broker, for workers to take part in a
   * Celery fleet and for {@code inspect} and {@code control}; empty when the broker has none.
   */
  default Optional<FleetSupport> fleet() {
    return Optional.empty();
  }

  /** Releases connections; messages in flight return to their queues. */
  @Override
  void close();
}
