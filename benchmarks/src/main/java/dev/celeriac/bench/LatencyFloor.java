package dev.celeriac.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/**
 * The floor of bin/bench-latency: a bare client of the broker that takes each {@code bench.stamp} message off
 * queue {@code bench} the fastest way its client library can and notes the microseconds from the producer's
 * call ({@code sent}) to the moment the message is in its hands, as the task does at its first line. No worker
 * can start a task sooner: what a worker adds to the floor is its own cost, the rest is the producer's call and the
 * broker's.
 *
 * <p>Redis: {@code BRPOP bench} on one connection, as kombu's consumer does (Celery's producers and Celeriac's push
 * a default-priority message on that list). RabbitMQ: one consumer with prefetch 8 whose deliveries run on
 * amqp-client's reader thread, no hand-off between threads, acked at once. It reads the stamp from the body's
 * {@code kwargs} (Celeriac's producer) or {@code args} (Celery's {@code stamp.delay(sent, warm)}) and skips the
 * warm-up messages.
 *
 * <pre>java -cp celeriac-benchmarks.jar dev.celeriac.bench.LatencyFloor BROKER_URL OUTPUT_FILE</pre>
 */
public final class LatencyFloor {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String QUEUE = "bench";

  private LatencyFloor() {}

  public static void main(String[] args) throws Exception {
    URI url = URI.create(args[0]);
    Path output = Path.of(args[1]);
    if (url.getScheme().startsWith("redis")) {
      redis(url, output);
    } else {
      amqp(args[0], output);
    }
  }

  private static void redis(URI url, Path output) {
    try (Jedis jedis = new Jedis(url)) {
      while (true) {
        List<byte[]> popped = jedis.brpop(1, QUEUE.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        long now = nowMicros();
        if (popped != null) {
          JsonNode envelope = read(popped.get(1));
          record(output, now, read(Base64.getDecoder().decode(envelope.get("body").asText())));
        }
      }
    }
  }

  private static void amqp(String url, Path output) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(url);
    // Deliveries run on the connection's reader thread, as soon as their frames are read.
    Connection connection = factory.newConnection(new SameThread());
    Channel channel = connection.createChannel();
    channel.queueDeclare(QUEUE, true, false, false, null);
    channel.basicQos(8);
    channel.basicConsume(QUEUE, false, new DefaultConsumer(channel) {
      @Override
      public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
          byte[] body) throws IOException {
        long now = nowMicros();
        channel.basicAck(envelope.getDeliveryTag(), false);
        record(output, now, read(body));
      }
    });
    new CountDownLatch(1).await();
  }

  /** Appends {@code now - sent} for a measured message; the body is protocol v2's {@code [args, kwargs, embed]}. */
  private static void record(Path output, long now, JsonNode body) {
    JsonNode args = body.get(0);
    JsonNode kwargs = body.get(1);
    JsonNode sent = kwargs.has("sent") ? kwargs.get("sent") : args.get(0);
    JsonNode warm = kwargs.has("warm") ? kwargs.get("warm") : args.get(1);
    if (warm != null && warm.asBoolean()) {
      return;
    }
    try {
      Files.writeString(output, now - (long) (sent.asDouble() * 1_000_000) + "\n", StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode read(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long nowMicros() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
  }

  /**
   * Runs each task on the submitting thread: amqp-client's consumer dispatch without a thread of its own. The same
   * as the RabbitMQ broker's package-private {@code InlineExecutor}, copied rather than shared: the floor runs the
   * client libraries alone, none of Celeriac's broker code, and that class is no public API.
   */
  private static final class SameThread extends AbstractExecutorService {
    private volatile boolean shutdown;

    @Override
    public void execute(Runnable command) {
      command.run();
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
      shutdown = true;
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return shutdown;
    }

    @Override
    public boolean isTerminated() {
      return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return shutdown;
    }
  }
}
