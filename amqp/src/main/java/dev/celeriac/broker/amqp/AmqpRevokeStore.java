package dev.celeriac.broker.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.celeriac.broker.BrokerException;
import dev.celeriac.broker.RevokeStore;
import dev.celeriac.protocol.Ids;
import dev.celeriac.protocol.Json;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Revoked ids on RabbitMQ, in the stream {@code celeriac.revoked}: each revoke is one persistent, confirmed
 * message {@code {"ids": [...], "until": <epoch ms>}}, and a starting worker reads the stream from its first
 * message. A stream is read without being consumed away, by any number of workers, and survives RabbitMQ
 * restarts; {@link #MAX_AGE} and small segments make RabbitMQ drop old revokes by itself, and readers skip
 * those past their {@code until}. (A classic queue would give each message to one reader only; a single
 * message holding the whole set would have to be taken, rewritten and put back under a lock by every writer.)
 * To know where the stream ends, a reader first appends a marker of its own and reads up to it.
 */
final class AmqpRevokeStore implements RevokeStore {

  /** The stream's name. */
  static final String QUEUE = "celeriac.revoked";
  /** How long RabbitMQ keeps a revoke: longer than any sensible {@code worker.revoke-expires-seconds}. */
  static final String MAX_AGE = "7D";
  /** Segments RabbitMQ can drop whole once they are older than {@link #MAX_AGE}. */
  static final int SEGMENT_BYTES = 1_000_000;
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  private static final int PREFETCH = 1_000;

  private final AmqpFleet fleet;

  AmqpRevokeStore(AmqpFleet fleet) {
    this.fleet = fleet;
  }

  @Override
  public void add(Collection<String> ids, Instant until) {
    if (ids.isEmpty()) {
      return;
    }
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("ids", List.copyOf(ids));
    entry.put("until", until.toEpochMilli());
    Channel channel = fleet.channel();
    try {
      declare(channel);
      append(channel, Json.write(entry));
    } catch (IOException | TimeoutException | InterruptedException | RuntimeException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new BrokerException("could not store revoked task ids on " + fleet.url() + ": " + AmqpBroker.describe(e), e);
    } finally {
      AmqpFleet.closeQuietly(channel);
    }
  }

  @Override
  public Map<String, Instant> load(Instant now) {
    Channel channel = fleet.channel();
    try {
      declare(channel);
      String marker = Ids.uuid();
      append(channel, Json.write(Map.of("marker", marker)));
      LinkedBlockingQueue<byte[]> bodies = new LinkedBlockingQueue<>();
      channel.basicQos(PREFETCH);
      String tag = channel.basicConsume(QUEUE, false, Map.of("x-stream-offset", "first"), new DefaultConsumer(channel) {
        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
            byte[] body) throws IOException {
          bodies.add(body);
          // A stream counts acks as credit for more messages. Those that were under way when the reader found
          // its marker and closed the channel need none.
          try {
            getChannel().basicAck(envelope.getDeliveryTag(), false);
          } catch (AlreadyClosedException e) {
            // read to the end already
          }
        }
      });
      Map<String, Instant> revoked = new HashMap<>();
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (true) {
        long left = deadline - System.nanoTime();
        byte[] body = left <= 0 ? null : bodies.poll(left, TimeUnit.NANOSECONDS);
        if (body == null) {
          throw new BrokerException("reading the revoked task ids on " + fleet.url() + " did not reach the end of "
              + QUEUE + " within " + READ_TIMEOUT.toSeconds() + " s");
        }
        if (!(Json.read(body) instanceof Map<?, ?> entry)) {
          continue;
        }
        if (marker.equals(entry.get("marker"))) {
          break;
        }
        if (entry.get("until") instanceof Number until && entry.get("ids") instanceof List<?> ids) {
          Instant end = Instant.ofEpochMilli(until.longValue());
          if (end.isAfter(now)) {
            for (Object id : ids) {
              revoked.merge(String.valueOf(id), end, (a, b) -> a.isAfter(b) ? a : b);
            }
          }
        }
      }
      channel.basicCancel(tag);
      return revoked;
    } catch (IOException | TimeoutException | RuntimeException e) {
      throw new BrokerException("could not read the revoked task ids on " + fleet.url() + ": "
          + AmqpBroker.describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerException("interrupted while reading the revoked task ids on " + fleet.url(), e);
    } finally {
      AmqpFleet.closeQuietly(channel);
    }
  }

  private static void declare(Channel channel) throws IOException {
    Map<String, Object> arguments = new HashMap<>();
    arguments.put("x-queue-type", "stream");
    arguments.put("x-max-age", MAX_AGE);
    arguments.put("x-stream-max-segment-size-bytes", SEGMENT_BYTES);
    channel.queueDeclare(QUEUE, true, false, false, arguments);
  }

  /** Appends one entry, persistent, and waits for RabbitMQ's confirm. */
  private static void append(Channel channel, byte[] body) throws IOException, InterruptedException, TimeoutException {
    channel.confirmSelect();
    channel.basicPublish("", QUEUE, new AMQP.BasicProperties.Builder().contentType("application/json")
        .deliveryMode(AmqpMessages.PERSISTENT).build(), body);
    channel.waitForConfirmsOrDie(READ_TIMEOUT.toMillis());
  }
}
