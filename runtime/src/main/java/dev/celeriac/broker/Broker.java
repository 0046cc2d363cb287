package dev.celeriac.broker;

import dev.celeriac.protocol.TaskMessage;
import java.time.Duration;
import java.util.List;

/**
 * A message broker as Celeriac uses it. Implementations are thread-safe.
 *
 * <p>Delivery is at least once: a fetched message stays in flight until its {@link Delivery} is acked,
 * retried, deferred, dead-lettered or requeued, and comes back to its queue if the fetching process dies.
 */
public interface Broker extends AutoCloseable {

  /** The broker URL with any password masked, for logs and messages. */
  String displayUrl();

  /**
   * Puts a message on a queue. Returns once the broker holds it; throws {@link BrokerException} otherwise.
   * A message whose {@code eta} lies in the future may be parked by the broker until then.
   */
  void publish(String queue, TaskMessage message);

  /**
   * Takes up to {@code max} messages from the given queues, higher priority first, waiting up to
   * {@code wait} for the first one. Returns an empty list when none came in time.
   */
  List<Delivery> fetch(List<String> queues, int max, Duration wait) throws InterruptedException;

  /** The dead-letter store of this broker. */
  DeadLetterStore deadLetters();

  /** Releases connections; messages in flight return to their queues. */
  @Override
  void close();
}
