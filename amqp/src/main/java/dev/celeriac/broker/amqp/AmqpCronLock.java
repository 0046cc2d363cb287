package dev.celeriac.broker.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import dev.celeriac.broker.CronLock.SlotOutcome;
import dev.celeriac.broker.BrokerException;
import dev.celeriac.protocol.Json;
import dev.celeriac.protocol.TaskMessage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-slot lock of {@code run cron} on RabbitMQ: a token per schedule.
 *
 * <p>Each schedule has a durable queue {@code celeriac.cron.<schedule>} (of the configured queue type: a quorum
 * queue keeps the token through the loss of a cluster node) holding one persistent message, the token, which says
 * the last slot published. Firing a slot is one AMQP transaction on a connection of its own:
 * take the token with {@code basic.get} (unacked, so no other process can take it meanwhile), publish the task
 * message and the new token, ack the old one, commit. Whoever finds the queue empty while another process holds
 * the token is told {@link SlotOutcome#LOCKED} and asks again at its next tick; a process that dies holding it
 * (even by SIGKILL: the socket closes) has its transaction rolled back and the token put back. No process is
 * leader for longer than one transaction, so a cron process that hangs or drops off the network blocks nothing
 * for long, and every process fires the schedules it knows.
 *
 * <p>An empty queue is ambiguous: the token may be held, or on its way back, or never have existed. The
 * durable exchange {@code celeriac.cron.<schedule>.recorded}, declared once before the first token is
 * committed, says that a token exists; the first token is created under the exclusive queue {@code
 * celeriac.cron.<schedule>.init}, which only one connection may declare, so that two cron processes starting
 * together do not both fire the first slot. If the token stays out of sight for {@link #LOST_TOKEN_AFTER}
 * (its first commit never happened), it is created again.
 *
 * <p>RabbitMQ makes a transaction atomic per queue: the token and the task message are in different queues, so
 * a crash of RabbitMQ itself in the middle of a commit could record the slot without its message, or the
 * reverse. A cron process crash cannot.
 *
 * <p>The connection does not recover automatically: a recovering connection could replay a commit on a fresh
 * channel after the transaction's publishes were lost, so this one is reopened by hand.
 */
final class AmqpCronLock {

  private static final Logger log = LoggerFactory.getLogger(AmqpCronLock.class);
  static final String PREFIX = "celeriac.cron.";
  /** How long a token may stay out of sight before it is taken for lost and created again. */
  static final Duration LOST_TOKEN_AFTER = Duration.ofSeconds(30);

  private final AmqpBroker broker;
  private final ConnectionFactory factory;
  /** Per schedule: when this process first found the token out of sight in a row, in nanoseconds. */
  private final Map<String, Long> missingSince = new HashMap<>();
  private Connection connection;
  private Channel channel;

  AmqpCronLock(AmqpBroker broker, ConnectionFactory recovering) {
    this.broker = broker;
    this.factory = recovering.clone();
    this.factory.setAutomaticRecoveryEnabled(false);
    this.factory.setTopologyRecoveryEnabled(false);
  }

  static String tokenQueue(String schedule) {
    return PREFIX + schedule;
  }

  static String recordedMarker(String schedule) {
    return PREFIX + schedule + ".recorded";
  }

  static String initLock(String schedule) {
    return PREFIX + schedule + ".init";
  }

  synchronized SlotOutcome publishSlot(String schedule, Instant slot, Instant firstSlotFrom, String queue,
      TaskMessage message) {
    broker.declareTaskQueue(queue);
    broker.useOrDeclare("cron token queue", tokenQueue(schedule), channel -> channel.queueDeclare(tokenQueue(schedule),
        true, false, false, AmqpTopology.queueArguments(broker.settings())));
    try {
      Channel tx = channel();
      GetResponse token = tx.basicGet(tokenQueue(schedule), false);
      boolean initializing = false;
      Long last = null;
      if (token != null) {
        missingSince.remove(schedule);
        last = lastSlot(token);
      } else if (exists(recordedMarker(schedule)) && !tokenLost(schedule)) {
        return SlotOutcome.LOCKED; // another process holds it, or it is on its way back from one that died
      } else {
        if (!holdExclusive(initLock(schedule))) {
          return SlotOutcome.LOCKED;
        }
        initializing = true;
        // Under the init lock, read again: another process may have created the token just before.
        token = channel().basicGet(tokenQueue(schedule), false);
        if (token != null) {
          last = lastSlot(token);
        }
      }
      Channel open = channel();
      boolean fire = last == null ? !slot.isBefore(firstSlotFrom) : last < slot.toEpochMilli();
      long recorded = last == null || last < slot.toEpochMilli() ? slot.toEpochMilli() : last;
      if (fire) {
        open.basicPublish("", queue, AmqpMessages.properties(message), message.body());
      }
      open.basicPublish("", tokenQueue(schedule), new AMQP.BasicProperties.Builder()
          .contentType("application/json").deliveryMode(AmqpMessages.PERSISTENT).build(),
          Json.write(Map.of("schedule", schedule, "last_slot_ms", recorded,
              "last_slot", Instant.ofEpochMilli(recorded).toString())));
      if (token != null) {
        open.basicAck(token.getEnvelope().getDeliveryTag(), false);
      }
      if (initializing) {
        // Before the commit: a marker without a token is taken for a lost token after a while; a token without a
        // marker could be mistaken for none at all and fire its slot twice.
        open.exchangeDeclare(recordedMarker(schedule), BuiltinExchangeType.FANOUT, true, false, null);
      }
      open.txCommit();
      if (initializing) {
        open.queueDelete(initLock(schedule));
        missingSince.remove(schedule);
      }
      return fire ? SlotOutcome.FIRED : SlotOutcome.SKIPPED;
    } catch (IOException | ShutdownSignalException | TimeoutException e) {
      close();
      throw new BrokerException("cron could not publish a slot of " + schedule + " on " + broker.displayUrl() + ": "
          + AmqpBroker.describe(e), e);
    }
  }

  /** The token's {@code last_slot_ms}; 0 when it has none. */
  private static long lastSlot(GetResponse token) {
    return Json.read(token.getBody()) instanceof Map<?, ?> state && state.get("last_slot_ms") instanceof Number slot
        ? slot.longValue() : 0;
  }

  /** Whether the token has been out of sight for {@link #LOST_TOKEN_AFTER} in a row, as this process saw it. */
  private boolean tokenLost(String schedule) {
    long now = System.nanoTime();
    long since = missingSince.computeIfAbsent(schedule, key -> now);
    if (now - since < LOST_TOKEN_AFTER.toNanos()) {
      return false;
    }
    log.warn("The cron token of {} has been out of sight for {} s; creating it again", schedule,
        LOST_TOKEN_AFTER.toSeconds());
    return true;
  }

  /** Whether an exchange exists. A passive declare of a missing one closes the channel, which is reopened. */
  private boolean exists(String exchange) throws IOException, TimeoutException {
    try {
      channel().exchangeDeclarePassive(exchange);
      return true;
    } catch (IOException e) {
      if (AmqpBroker.describe(e).startsWith("404")) {
        channel = null;
        return false;
      }
      throw e;
    }
  }

  /** Declares an exclusive queue; false when another connection holds it (405 RESOURCE_LOCKED). */
  private boolean holdExclusive(String queue) throws IOException, TimeoutException {
    try {
      channel().queueDeclare(queue, false, true, true, null);
      return true;
    } catch (IOException e) {
      if (AmqpBroker.describe(e).startsWith("405")) {
        channel = null;
        return false;
      }
      throw e;
    }
  }

  private Channel channel() throws IOException, TimeoutException {
    if (channel != null && channel.isOpen()) {
      return channel;
    }
    if (connection == null || !connection.isOpen()) {
      connection = factory.newConnection("celeriac cron");
    }
    channel = connection.createChannel();
    channel.txSelect();
    return channel;
  }

  synchronized void close() {
    try {
      if (connection != null && connection.isOpen()) {
        connection.close(2_000);
      }
    } catch (IOException | RuntimeException e) {
      // closing anyway
    }
    connection = null;
    channel = null;
  }
}
