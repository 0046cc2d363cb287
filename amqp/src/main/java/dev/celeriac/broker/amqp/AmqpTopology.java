package dev.celeriac.broker.amqp;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The exchanges and queues Celeriac uses on RabbitMQ, and how to declare them.
 *
 * <ul>
 *   <li>A task queue {@code q} exactly as Celery declares it (docs/wire-format.md §4.1): a durable direct exchange
 *       {@code q}, a durable queue {@code q} without arguments, bound with routing key {@code q}. Python and
 *       Java workers can declare it in any order without {@code PRECONDITION_FAILED}. Messages are published
 *       to the default exchange with routing key {@code q}, as Celery does. A task queue that exists is used as
 *       it is, with whatever arguments its creator gave it ({@code x-max-priority}, a quorum queue, ...): it is
 *       only declared where it is missing. With queue type {@code quorum}, Celeriac creates it as a quorum queue,
 *       with the delivery limit, if one is set, and {@code q.dead} as where RabbitMQ moves a message past it.
 *   <li>Dead letters in {@code q.dead}: durable, bound to nothing, of the configured queue type, without a
 *       delivery limit (listing dead letters hands them out and takes them back). The classic Celery queue keeps
 *       no {@code x-dead-letter-exchange} argument, which every client would have to repeat.
 *   <li>Delays without head-of-line blocking, as kombu's native delayed delivery: 28 levels per queue,
 *       level {@code n} a quorum queue {@code celeriac.delay.q.n} whose messages all live {@code 2^n}
 *       seconds, so each queue expires in arrival order. The routing key spells the delay in seconds as 28
 *       binary digits; each level's topic exchange sends a message whose digit is 1 through its queue and
 *       one whose digit is 0 straight on to the next level. Level 0 ends in the exit queue
 *       {@code celeriac.delay.q.exit}, whose messages live 0 seconds and dead-letter to the default exchange
 *       with routing key {@code q}, as level 0's own queue does: every delayed message reaches {@code q} as
 *       if published straight to it (exchange {@code ""}, routing key {@code q}, which Celery's
 *       {@code delivery_info} shows and {@code Task.retry()} routes by), never with the delay key. A queue of
 *       one TTL is FIFO, so no short delay waits behind a long one. Levels are declared on first use: an
 *       exchange for every level below the highest digit, the exit queue, a queue for each 1 digit. A delay
 *       queue takes messages only {@link #SETTLE} after it was declared.
 * </ul>
 */
final class AmqpTopology {

  /** Levels of delay queues: delays up to 2^28 - 1 seconds, eight and a half years. */
  static final int LEVELS = 28;
  static final long MAX_DELAY_SECONDS = (1L << LEVELS) - 1;

  /**
   * How long a delay queue has existed before a message goes into it. RabbitMQ 3.10 writes the registration of a
   * new quorum queue's Raft member to disk only when that registry (ra's {@code names.dets}) is saved, by a 500 ms
   * timer once a whole tick passed without changes: about a second after the declaration. A node killed before
   * that comes back with the queue declared but empty and without a leader, for good, and what it had confirmed
   * into the queue is lost. Measured with SIGKILL: the queue was lost when killed up to 0.9 s after its
   * declaration, kept from 1.2 s on.
   */
  static final Duration SETTLE = Duration.ofSeconds(2);

  private AmqpTopology() {}

  static String deadQueue(String queue) {
    return queue + ".dead";
  }

  static String delayLevel(String queue, int level) {
    return "celeriac.delay." + queue + "." + level;
  }

  /** The queue every delayed message leaves the levels by, back to {@code queue}. */
  static String delayExit(String queue) {
    return "celeriac.delay." + queue + ".exit";
  }

  /** The routing key that spells {@code seconds} as 28 binary digits, the highest first. */
  static String delayRoutingKey(long seconds) {
    StringBuilder key = new StringBuilder(LEVELS * 2);
    for (int level = LEVELS - 1; level >= 0; level--) {
      key.append((seconds >>> level & 1) == 1 ? '1' : '0');
      if (level > 0) {
        key.append('.');
      }
    }
    return key.toString();
  }

  /** The highest level a delay of {@code seconds} passes: where it is published. */
  static int topLevel(long seconds) {
    return 63 - Long.numberOfLeadingZeros(seconds);
  }

  /** The binding key that picks the messages whose digit at {@code level} is {@code digit}. */
  static String levelPattern(int level, char digit) {
    return "*.".repeat(LEVELS - 1 - level) + digit + ".#";
  }

  /**
   * Declares the task queue the way Celery does: a direct exchange of its name, the queue, a binding by its name;
   * see {@link #taskQueueArguments} for its arguments.
   */
  static void declareTaskQueue(Channel channel, String queue, AmqpSettings settings) throws IOException {
    channel.exchangeDeclare(queue, BuiltinExchangeType.DIRECT, true, false, null);
    channel.queueDeclare(queue, true, false, false, taskQueueArguments(queue, settings));
    channel.queueBind(queue, queue, queue);
  }

  /**
   * The arguments of a task queue Celeriac creates: none for a classic queue, as Celery declares it; for a quorum
   * queue its type and, with a delivery limit, the limit and at-least-once dead-lettering to {@code queue.dead}.
   */
  static Map<String, Object> taskQueueArguments(String queue, AmqpSettings settings) {
    Map<String, Object> arguments = queueArguments(settings);
    if (settings.deliveryLimit() > 0) {
      arguments.put("x-delivery-limit", settings.deliveryLimit());
      arguments.put("x-dead-letter-exchange", "");
      arguments.put("x-dead-letter-routing-key", deadQueue(queue));
      arguments.put("x-dead-letter-strategy", "at-least-once");
      arguments.put("x-overflow", "reject-publish");
    }
    return arguments;
  }

  /** The arguments of a queue Celeriac creates of the configured type: none for classic; a mutable map. */
  static Map<String, Object> queueArguments(AmqpSettings settings) {
    Map<String, Object> arguments = new HashMap<>();
    if (settings.queueType() != AmqpSettings.QueueType.CLASSIC) {
      arguments.put("x-queue-type", settings.queueType().argument());
    }
    return arguments;
  }

  static void declareDeadQueue(Channel channel, String queue, AmqpSettings settings) throws IOException {
    channel.queueDeclare(deadQueue(queue), true, false, false, queueArguments(settings));
  }

  /** Declares the exchange of {@code level} and its route on to the level below. */
  static void declareLevelExchange(Channel channel, String queue, int level) throws IOException {
    String exchange = delayLevel(queue, level);
    channel.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true, false, null);
    if (level > 0) {
      channel.exchangeBind(delayLevel(queue, level - 1), exchange, levelPattern(level, '0'));
    }
  }

  /** Declares the exit queue and binds it to level 0's exchange, which routes a 0 digit there. */
  static void declareExitQueue(Channel channel, String queue) throws IOException {
    String exchange = delayLevel(queue, 0);
    channel.queueDeclare(delayExit(queue), true, false, false, delayQueueArguments(0, "", queue));
    channel.queueBind(delayExit(queue), exchange, levelPattern(0, '0'));
    // Earlier builds bound the task queue itself here, so that a message came in with the delay key as its
    // routing key; with both routes it would arrive twice. Unbinding a missing binding is a no-op.
    channel.queueUnbind(queue, exchange, levelPattern(0, '0'));
  }

  /** Declares the queue of {@code level}, whose messages move on after 2^level seconds, and binds it. */
  static void declareLevelQueue(Channel channel, String queue, int level) throws IOException {
    String name = delayLevel(queue, level);
    channel.queueDeclare(name, true, false, false, level > 0
        ? delayQueueArguments((1L << level) * 1000, delayLevel(queue, level - 1), null)
        : delayQueueArguments(1000, "", queue));
    channel.queueBind(name, name, levelPattern(level, '1'));
  }

  /**
   * A quorum queue whose messages all live {@code ttlMillis}, then dead-letter to {@code exchange} with
   * {@code routingKey}, or with their own when it is null.
   */
  private static Map<String, Object> delayQueueArguments(long ttlMillis, String exchange, String routingKey) {
    Map<String, Object> arguments = new HashMap<>();
    arguments.put("x-queue-type", "quorum");
    arguments.put("x-message-ttl", ttlMillis);
    // Dead-lettering from a quorum queue with at-least-once loses nothing on the way to the next level.
    arguments.put("x-dead-letter-strategy", "at-least-once");
    arguments.put("x-overflow", "reject-publish");
    arguments.put("x-dead-letter-exchange", exchange);
    if (routingKey != null) {
      arguments.put("x-dead-letter-routing-key", routingKey);
    }
    return arguments;
  }
}
