package dev.celeriac.broker;

import dev.celeriac.protocol.TaskMessage;
import java.util.List;

/**
 * The producing side of a broker: what an app needs to send tasks. Implementations are thread-safe.
 *
 * <p>A publish that returns has handed the message to the broker, which keeps it (to the durability the broker
 * offers: RabbitMQ's confirms, Redis's writes and replica acks as configured) until a consumer settles it; a
 * publish that throws may or may not have been taken, so a caller that retries may send the message twice. Together
 * with consumers that redeliver what a crashed worker held, that makes delivery at least once.
 */
public interface MessagePublisher {

  /**
   * Puts a message on a queue. Returns once the broker holds it; throws {@link BrokerException} otherwise.
   * A message whose {@code eta} lies in the future may be parked by the broker until then.
   */
  void publish(String queue, TaskMessage message);

  /** A message and the queue it goes to, for {@link #publishAll}. */
  record Outgoing(String queue, TaskMessage message) {}

  /**
   * Publishes many messages in as few round trips as the broker allows. Returns once the broker holds
   * all of them; throws {@link BrokerException} otherwise (some may then have been taken).
   */
  default void publishAll(List<Outgoing> messages) {
    for (Outgoing outgoing : messages) {
      publish(outgoing.queue(), outgoing.message());
    }
  }
}
