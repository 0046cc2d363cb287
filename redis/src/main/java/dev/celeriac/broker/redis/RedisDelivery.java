package dev.celeriac.broker.redis;

import static dev.celeriac.broker.redis.RedisKeys.bytes;

import dev.celeriac.broker.BrokerException;
import dev.celeriac.broker.Delivery;
import dev.celeriac.protocol.Ids;
import dev.celeriac.protocol.KombuEnvelope;
import dev.celeriac.protocol.TaskMessage;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A message popped from Redis and recorded in flight under its field, {@code <worker>#<n>}. */
final class RedisDelivery implements Delivery {

  private static final Logger log = LoggerFactory.getLogger(RedisDelivery.class);

  private final RedisConsumer consumer;
  private final String queue;
  private final String field;
  private final byte[] envelope;
  private final AtomicBoolean settled = new AtomicBoolean();
  private TaskMessage decoded;

  RedisDelivery(RedisConsumer consumer, String queue, String field, byte[] envelope) {
    this.consumer = consumer;
    this.queue = queue;
    this.field = field;
    this.envelope = envelope;
  }

  /** The field this delivery is recorded under in {@code unacked} and the worker's in-flight hash. */
  String field() {
    return field;
  }

  @Override
  public String queue() {
    return queue;
  }

  @Override
  public byte[] raw() {
    return envelope.clone();
  }

  @Override
  public TaskMessage message() {
    if (decoded == null) {
      decoded = KombuEnvelope.decode(envelope).message();
    }
    return decoded;
  }

  @Override
  public void ack() {
    settleOnce();
    consumer.ack(field);
  }

  @Override
  public void retry(TaskMessage next) {
    settleOnce();
    byte[] retry = KombuEnvelope.encode(next, queue, Ids.uuid());
    Instant eta = next.eta().orElse(null);
    if (eta != null) {
      settle("retry", "park", bytes(RedisKeys.delayed(queue)), retry, eta.toEpochMilli());
    } else {
      settle("retry", "tail", bytes(RedisKeys.priorityKey(queue, next.priority())), retry, 0);
    }
  }

  @Override
  public void defer(Instant eta) {
    settleOnce();
    settle("park", "park", bytes(RedisKeys.delayed(queue)), envelope, eta.toEpochMilli());
  }

  @Override
  public void deadLetter(String reason) {
    settleOnce();
    byte[] entry = RedisDeadLetters.entry(queue, reason, Instant.now(), envelope);
    settle("dead-letter", "dead", bytes(RedisKeys.dead(queue)), entry, 0);
  }

  @Override
  public void requeue() {
    settleOnce();
    settle("requeue", "head", ownListKey(), envelope, 0);
  }

  /**
   * Runs the settle script. When Redis stays unreachable the message is handed to the consumer, whose
   * recovery returns it to its queue once Redis answers: it may then run again, but it is never stuck in flight.
   * A settle the master took but too few replicas acknowledged is handed over the same way: the return
   * finds it settled and leaves it, unless a failover lost it and the message is in flight again.
   */
  private void settle(String what, String action, byte[] target, byte[] payload, long score) {
    boolean owned;
    try {
      owned = consumer.settle(field, action, target, payload, score);
    } catch (NotReplicatedException e) {
      log.warn("Could not confirm the {} of message {} on {}; it goes back to the queue only if a failover lost"
          + " it: {}", what, field, queue, e.getMessage());
      consumer.abandon(field, ownListKey(), envelope);
      return;
    } catch (BrokerException e) {
      log.error("Could not {} message {} on {}; it goes back to the queue once Redis answers: {}", what, field,
          queue, e.getMessage());
      consumer.abandon(field, ownListKey(), envelope);
      return;
    }
    if (!owned) {
      // Another worker took this message back after our heartbeat lapsed; it runs there instead.
      log.warn("Could not {} message {} on {}: this worker no longer owned it", what, field, queue);
    }
  }

  private byte[] ownListKey() {
    int priority;
    try {
      priority = message().priority();
    } catch (RuntimeException undecodable) {
      priority = 0;
    }
    return bytes(RedisKeys.priorityKey(queue, priority));
  }

  private void settleOnce() {
    if (!settled.compareAndSet(false, true)) {
      throw new IllegalStateException("delivery " + field + " on " + queue + " was already settled");
    }
  }

}
