package dev.celeriac.broker.amqp;

import com.rabbitmq.client.AMQP;
import dev.celeriac.broker.BrokerException;
import dev.celeriac.broker.Delivery;
import dev.celeriac.protocol.KombuEnvelope;
import dev.celeriac.protocol.TaskMessage;
import java.time.Instant;
import java.util.Map;
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
  private String identity;
  /** Fetched by the worker and not held for a near eta: running, or about to. */
  private volatile boolean handedOut;
  /** After a reconnect, the copy RabbitMQ redelivered while this still ran; guarded by the consumer. */
  private AmqpDelivery replacement;

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

  long tag() {
    return tag;
  }

  /**
   * What tells this message from any other across redeliveries: its task id, its {@code retries}, and its AMQP
   * message-id, which Celeriac sets anew on each copy it publishes of a message it settles (a parked message, a
   * replayed dead letter); a retry has {@code retries} one higher. Null without a task id in the headers.
   */
  String identity() {
    String known = identity;
    if (known == null) {
      Map<String, Object> headers = properties.getHeaders();
      Object id = headers == null ? null : headers.get("id");
      if (id == null) {
        return null;
      }
      known = id + "/" + headers.get("retries") + "/" + properties.getMessageId();
      identity = known;
    }
    return known;
  }

  void handedOut(boolean withWorker) {
    handedOut = withWorker;
  }

  boolean isHandedOut() {
    return handedOut;
  }

  AmqpDelivery replacement() {
    return replacement;
  }

  void replacedBy(AmqpDelivery copy) {
    replacement = copy;
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
    consumer.ack(this);
  }

  @Override
  public void retry(TaskMessage next) {
    settleOnce();
    // Confirmed first, acked after: a crash in between runs the task again, never zero times.
    if (publishOrReturn("retry", () -> broker.publish(queue, next))) {
      consumer.ack(this);
    }
  }

  @Override
  public void defer(Instant eta) {
    if (eta.toEpochMilli() - System.currentTimeMillis() < AmqpBroker.HOLD_MILLIS && consumer.hold(this)) {
      // A near eta is held here, unacked, far below RabbitMQ's consumer_timeout; parking costs more.
      broker.hold(this, eta);
      return;
    }
    settleOnce();
    if (publishOrReturn("park", () -> broker.park(queue, properties, body, eta))) {
      consumer.ack(this);
    }
  }

  @Override
  public void deadLetter(String reason) {
    settleOnce();
    if (publishOrReturn("dead-letter", () -> broker.publishDead(queue, properties, body, reason))) {
      consumer.ack(this);
    }
  }

  @Override
  public void requeue() {
    settleOnce();
    consumer.reject(this);
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
      consumer.reject(this);
      return false;
    }
  }

  private void settleOnce() {
    if (!settled.compareAndSet(false, true)) {
      throw new IllegalStateException("delivery " + tag + " on " + queue + " was already settled");
    }
  }
}
