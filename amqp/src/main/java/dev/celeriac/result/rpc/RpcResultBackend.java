package dev.celeriac.result.rpc;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.celeriac.ConfigurationException;
import dev.celeriac.broker.BrokerException;
import dev.celeriac.broker.amqp.AmqpBroker;
import dev.celeriac.result.ResultBackend;
import dev.celeriac.result.ResultBackendProvider;
import dev.celeriac.result.ResultMeta;
import dev.celeriac.result.ResultMetaCodec;
import dev.celeriac.result.ResultSettings;
import dev.celeriac.result.ResultTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * Celery's {@code rpc://} backend ({@code celery/backends/rpc.py}, FLEET §2): a worker publishes each state of a task
 * to the default exchange with the message's {@code reply_to} as routing key and the task id as correlation id
 * (delivery mode 1, {@code application/json}, the body {@code {"task_id", "status", "result", "traceback",
 * "children"}}); a producer sends its messages with {@code reply_to} naming its own reply queue (a UUID, non-durable,
 * auto-delete, {@code x-expires} the result expiry) and consumes its results from there. Results are ephemeral, as
 * Celery's: only the producer that sent a task sees its result, and only while it runs.
 */
public final class RpcResultBackend implements ResultBackend {

  public static final ResultBackendProvider PROVIDER = new ResultBackendProvider() {
    @Override
    public Set<String> schemes() {
      return Set.of("rpc");
    }

    @Override
    public ResultBackend open(String url, ResultSettings settings) {
      if (!(settings.broker() instanceof AmqpBroker amqp)) {
        throw new ConfigurationException("the rpc:// result backend needs a RabbitMQ broker (amqp://), not "
            + settings.broker().displayUrl());
      }
      return new RpcResultBackend(amqp, settings.expires());
    }
  };

  private final AmqpBroker broker;
  private final Duration expires;
  private final Object publishLock = new Object();
  /** How many tasks' states a producer keeps: the most recently read ones; older ones read as PENDING. */
  static final int KEPT_RESULTS = 100_000;

  /**
   * The latest state seen of each task this producer sent, by task id; bounded, so that a long-running producer that
   * never reads or forgets its results does not grow without end.
   */
  private final ResultTable seen = new ResultTable(KEPT_RESULTS);
  private Connection connection;
  private Channel publishing;
  private String replyQueue;

  RpcResultBackend(AmqpBroker broker, Duration expires) {
    this.broker = broker;
    this.expires = expires;
  }

  private synchronized Connection connection() throws IOException, TimeoutException {
    if (connection == null) {
      connection = broker.openConnection("celeriac results");
    }
    return connection;
  }

  @Override
  public void store(ResultMeta meta, String replyTo) {
    if (replyTo == null || replyTo.isEmpty()) {
      return; // As Celery: a message without reply_to has nowhere to send its result.
    }
    byte[] body = ResultMetaCodec.encodeRpc(meta).getBytes(StandardCharsets.UTF_8);
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().correlationId(meta.taskId()).priority(0)
        .deliveryMode(1).contentEncoding("utf-8").contentType("application/json").headers(Map.of()).build();
    synchronized (publishLock) {
      try {
        if (publishing == null || !publishing.isOpen()) {
          publishing = connection().createChannel();
          publishing.confirmSelect();
        }
        publishing.basicPublish("", replyTo, properties, body);
        publishing.waitForConfirmsOrDie(30_000);
      } catch (IOException | TimeoutException | RuntimeException e) {
        throw new BrokerException("could not send the result of " + meta.taskId() + " to " + replyTo + ": " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BrokerException("interrupted sending the result of " + meta.taskId(), e);
      }
    }
  }

  /** The reply queue, declared and consumed on first use, as Celery's {@code RPCBackend.binding}. */
  @Override
  public synchronized String replyTo() {
    if (replyQueue == null) {
      String name = UUID.randomUUID().toString();
      try {
        Channel channel = connection().createChannel();
        channel.queueDeclare(name, false, false, true, Map.of("x-expires", expires.toMillis()));
        channel.basicConsume(name, true, (tag, delivery) -> received(delivery.getBody()), tag -> {});
      } catch (IOException | TimeoutException e) {
        throw new BrokerException("could not declare the reply queue for rpc:// results: " + e, e);
      }
      replyQueue = name;
    }
    return replyQueue;
  }

  private void received(byte[] body) {
    ResultMeta meta;
    try {
      meta = ResultMetaCodec.decode(body);
    } catch (RuntimeException e) {
      return;
    }
    seen.put(meta);
  }

  @Override
  public ResultMeta get(String taskId) {
    return seen.get(taskId);
  }

  @Override
  public Optional<ResultMeta> await(String taskId, Duration timeout) throws InterruptedException {
    replyTo();
    return seen.await(taskId, timeout);
  }

  @Override
  public void forget(String taskId) {
    seen.remove(taskId);
  }

  @Override
  public String displayUrl() {
    return "rpc://";
  }

  @Override
  public synchronized void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (IOException | RuntimeException e) {
        // Closing anyway.
      }
      connection = null;
    }
  }
}
