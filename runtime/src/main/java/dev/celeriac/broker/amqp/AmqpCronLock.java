package dev.celeriac.broker.amqp;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import dev.celeriac.broker.BrokerException;
import dev.celeriac.protocol.TaskMessage;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;

/**
 * The per-slot lock of {@code run cron} on RabbitMQ.
 *
 * <p>Leadership is an exclusive queue, {@code celeriac.cron.leader}: RabbitMQ lets one connection at a
 * time declare it and deletes it when that connection closes, so a cron process that dies (even by SIGKILL:
 * the socket closes) hands over at once, without a lease to time out. The others get
 * {@code RESOURCE_LOCKED} and fire nothing. A single-active-consumer queue would elect a leader too, but it
 * needs a consumer and a message to learn who is active; the exclusive declare answers in one round trip.
 *
 * <p>The last slot of every schedule lives in one persistent message in the durable queue
 * {@code celeriac.cron.state}, which only the leader reads. Firing a slot is one AMQP transaction on a
 * connection without automatic recovery: publish the task message, publish the new state, ack the old one,
 * commit. Either all of it happens or none of it, so a slot is never fired twice, and a leader that dies
 * mid-way leaves the slot to the next one. (A recovering connection could replay a commit on a fresh channel
 * after the transaction's publishes were lost, so this one is reopened by hand.)
 */
final class AmqpCronLock {

  static final String LEADER_QUEUE = "celeriac.cron.leader";
  static final String STATE_QUEUE = "celeriac.cron.state";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AmqpBroker broker;
  private final ConnectionFactory factory;
  private Connection connection;
  private Channel channel;

  AmqpCronLock(AmqpBroker broker, ConnectionFactory recovering) {
    this.broker = broker;
    this.factory = recovering.clone();
    this.factory.setAutomaticRecoveryEnabled(false);
    this.factory.setTopologyRecoveryEnabled(false);
  }

  synchronized boolean publishSlot(String schedule, Instant slot, Instant firstSlotFrom, String queue,
      TaskMessage message) {
    broker.declareTaskQueue(queue);
    try {
      Channel tx = channel();
      try {
        tx.queueDeclare(LEADER_QUEUE, false, true, true, null);
      } catch (IOException e) {
        if (AmqpBroker.describe(e).startsWith("405")) {
          return false; // another cron process leads; the channel is closed and reopened next time
        }
        throw e;
      }
      tx.queueDeclare(STATE_QUEUE, true, false, false, null);
      Map<String, Long> state = new TreeMap<>();
      long lastTag = -1;
      // Normally one message; more only if a commit's publish raced a crash: the later slots win.
      for (GetResponse response = tx.basicGet(STATE_QUEUE, false); response != null;
          response = tx.basicGet(STATE_QUEUE, false)) {
        Map<String, Long> read = JSON.readValue(response.getBody(), new TypeReference<Map<String, Long>>() {});
        read.forEach((key, value) -> state.merge(key, value, Math::max));
        lastTag = response.getEnvelope().getDeliveryTag();
      }
      Long last = state.get(schedule);
      boolean fire = last == null ? !slot.isBefore(firstSlotFrom) : last < slot.toEpochMilli();
      boolean record = last == null || last < slot.toEpochMilli();
      if (fire) {
        tx.basicPublish("", queue, AmqpMessages.properties(message), message.body());
      }
      if (record) {
        state.put(schedule, slot.toEpochMilli());
      }
      tx.basicPublish("", STATE_QUEUE, new AMQP.BasicProperties.Builder()
          .contentType("application/json").deliveryMode(AmqpMessages.PERSISTENT).build(),
          JSON.writeValueAsBytes(state));
      if (lastTag >= 0) {
        tx.basicAck(lastTag, true);
      }
      tx.txCommit();
      return fire;
    } catch (IOException | ShutdownSignalException | TimeoutException e) {
      close();
      throw new BrokerException("cron could not publish a slot of " + schedule + " on " + broker.displayUrl() + ": "
          + AmqpBroker.describe(e), e);
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
