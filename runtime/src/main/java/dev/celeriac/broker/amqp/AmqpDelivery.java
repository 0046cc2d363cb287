package dev.celeriac.broker.amqp;

import com.rabbitmq.client.AMQP;
import dev.celeriac.broker.BrokerException;
import dev.celeriac.broker.Delivery;
import dev.celeriac.protocol.KombuEnvelope;
import dev.celeriac.protocol.TaskMessage;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A message RabbitMQ delivered to this process, unacked until it is settled. */
final class AmqpDelivery implements Delivery {

  private static final Logger log = LoggerFactory.getLogger(AmqpDelivery.class);

  private final AmqpBroker broker;
  private final AmqpConsumer consumer;
  private final String queue;
  private final long tag;
  private final int epoch;
  private final AMQP.BasicProperties properties;
  private final byte[] body;
  private final AtomicBoolean settled = new AtomicBoolean();
  private volatile TaskMessage decoded;

  AmqpDelivery(AmqpBroker broker, AmqpConsumer consumer, String queue, long tag, int epoch,
      AMQP.BasicProperties properties, byte[] body) {
    this.broker = broker;
    this.consumer = consumer;
    this.queue = queue;
    this.tag = tag;
    this.epoch = epoch;
    this.properties = properties;
    this.body = body;
  }

  int epoch() {
    return epoch;
  }

  AMQP.BasicProperties properties() {
    return properties;
  }

  byte[] body() {
    return body;
  }

  @Override
  public String queue() {
    return queue;
  }

  /** The message as kombu's JSON envelope holds it: RabbitMQ has no envelope of its own. */
  @Override
  public byte[] raw() {
    return KombuEnvelope.encode(message(), queue, Long.toString(tag));
  }

  @Override
  public TaskMessage message() {
    TaskMessage message = decoded;
    if (message == null) {
      message = AmqpMessages.fromAmqp(properties, body);
      decoded = message;
    }
    return message;
  }

  @Override
  public void ack() {
    settleOnce();
    consumer.ack(tag, epoch);
  }

  @Override
  public void retry(TaskMessage next) {
    settleOnce();
    // Confirmed first, acked after: a crash in between runs the task again, never zero times.
    if (publishOrReturn("retry", () -> broker.publish(queue, next))) {
      consumer.ack(tag, epoch);
    }
  }

  @Override
  public void defer(Instant eta) {
    if (eta.toEpochMilli() - System.currentTimeMillis() < AmqpBroker.HOLD_MILLIS && consumer.isCurrent(this)) {
      // A near eta is held here, unacked, far below RabbitMQ's consumer_timeout; parking costs more.
      broker.hold(this, eta);
      return;
    }
    settleOnce();
    if (publishOrReturn("park", () -> broker.park(queue, properties, body, eta))) {
      consumer.ack(tag, epoch);
    }
  }

  @Override
  public void deadLetter(String reason) {
    settleOnce();
    if (publishOrReturn("dead-letter", () -> broker.publishDead(queue, properties, body, reason))) {
      consumer.ack(tag, epoch);
    }
  }

  @Override
  public void requeue() {
    settleOnce();
    consumer.reject(tag, epoch);
  }

  /** Releases a held delivery back to the worker. */
  void release() {
    consumer.release(this);
  }

  private boolean publishOrReturn(String what, Runnable publish) {
    try {
      publish.run();
      return true;
    } catch (BrokerException e) {
      log.error("Could not {} message {} on {}; it goes back to its queue: {}", what, tag, queue, e.getMessage());
      consumer.reject(tag, epoch);
      return false;
    }
  }

  private void settleOnce() {
    if (!settled.compareAndSet(false, true)) {
      throw new IllegalStateException("delivery " + tag + " on " + queue + " was already settled");
    }
  }
}
