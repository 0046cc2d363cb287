package dev.celeriac.broker;

/**
 * The broker's side of Celery's event stream: publishes to the {@code celeryev} exchange as kombu does (a
 * durable topic exchange on RabbitMQ; a fanout over {@code PUBLISH /<db>.celeryev/<routing key>} on Redis),
 * transient ({@code delivery_mode} 1), JSON, with the sender's node name in a {@code hostname} header.
 * Nothing is stored: an event without a listener is lost, as in Celery. Thread-safe.
 */
public interface EventPublisher {

  /** The exchange Celery's events travel on ({@code event_exchange}). */
  String EXCHANGE = "celeryev";

  /**
   * Publishes one event message.
   *
   * @param routingKey the event type with {@code -} as {@code .} ({@code worker.heartbeat}), or {@code task.multi}
   *     for a batch of task events
   * @param body the JSON body: one event object, or an array of them
   * @param hostname the sender's node name, for the {@code hostname} header
   * @throws BrokerException when the broker did not take it
   */
  void publish(String routingKey, byte[] body, String hostname);

  /**
   * Publishes several event messages under one routing key, in order, in as few round trips as the broker allows.
   *
   * @throws BrokerException when the broker did not take them; some may have gone out
   */
  default void publishAll(String routingKey, java.util.List<byte[]> bodies, String hostname) {
    for (byte[] body : bodies) {
      publish(routingKey, body, hostname);
    }
  }
}
