package dev.celeriac.broker.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import dev.celeriac.broker.BrokerException;
import dev.celeriac.broker.EventPublisher;
import java.io.IOException;
import java.util.Map;

/**
 * Celery events on RabbitMQ: published to the durable topic exchange {@code celeryev}, declared as Celery
 * declares it, transient, JSON, with the sender in a {@code hostname} header. No confirms, as in Celery: an
 * event is a view, and a lost one is replaced by the next. One channel, shared under a lock.
 */
final class AmqpEventPublisher implements EventPublisher {

  private static final int TRANSIENT = 1;

  private final AmqpFleet fleet;
  private Channel channel;

  AmqpEventPublisher(AmqpFleet fleet) {
    this.fleet = fleet;
  }

  @Override
  public synchronized void publish(String routingKey, byte[] body, String hostname) {
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
        .contentType("application/json")
        .contentEncoding("utf-8")
        .deliveryMode(TRANSIENT)
        .priority(0)
        .headers(Map.of("hostname", hostname))
        .build();
    try {
      if (channel == null || !channel.isOpen()) {
        Channel opened = fleet.channel();
        opened.exchangeDeclare(EXCHANGE, BuiltinExchangeType.TOPIC, true, false, null);
        channel = opened;
      }
      channel.basicPublish(EXCHANGE, routingKey, properties, body);
    } catch (IOException | RuntimeException e) {
      throw new BrokerException("could not publish an event on " + fleet.url() + ": " + AmqpBroker.describe(e), e);
    }
  }
}
