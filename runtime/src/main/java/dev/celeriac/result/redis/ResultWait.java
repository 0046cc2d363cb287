package dev.celeriac.result.redis;

import dev.celeriac.broker.BrokerException;
import dev.celeriac.result.ResultMeta;
import dev.celeriac.result.ResultMetaCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One wait for one result, as Celery's {@code ResultConsumer}: {@code SUBSCRIBE} to the meta key, then, once
 * subscribed, {@code GET} it (a result stored before the subscription), then the published messages until a
 * ready state or the timeout; then {@code UNSUBSCRIBE}. The calling thread blocks on the subscription, woken
 * by Redis, never by polling.
 */
final class ResultWait extends JedisPubSub {

  private static final ScheduledExecutorService TIMEOUTS = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "celeriac-result-timeouts");
    thread.setDaemon(true);
    return thread;
  });

  private final RedisResultBackend backend;
  private final String key;
  private final String taskId;
  private volatile ResultMeta ready;
  private volatile boolean subscribed;
  private volatile boolean done;

  ResultWait(RedisResultBackend backend, String key, String taskId) {
    this.backend = backend;
    this.key = key;
    this.taskId = taskId;
  }

  Optional<ResultMeta> run(UnifiedJedis redis, Duration timeout) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    ScheduledFuture<?> alarm = TIMEOUTS.schedule(this::finish, Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    try {
      redis.subscribe(this, key);
    } catch (JedisException e) {
      throw new BrokerException("lost the subscription to the result of " + taskId + ": " + e.getMessage(), e);
    } finally {
      alarm.cancel(false);
    }
    if (failure != null) {
      throw failure;
    }
    return Optional.ofNullable(ready);
  }

  /** Ends the wait from any thread: now if subscribed, else as soon as the subscription is there. */
  private synchronized void finish() {
    done = true;
    if (subscribed) {
      unsubscribe();
      subscribed = false;
    }
  }

  /** What reading the stored result failed with, once subscribed. */
  private volatile RuntimeException failure;

  @Override
  public void onSubscribe(String channel, int subscribedChannels) {
    synchronized (this) {
      subscribed = true;
      if (done) {
        unsubscribe();
        subscribed = false;
        return;
      }
    }
    ResultMeta current;
    try {
      current = backend.get(taskId);
    } catch (RuntimeException e) {
      // Thrown out of here, it would leave the pooled connection subscribed: unsubscribe first, rethrow in run().
      failure = e;
      finish();
      return;
    }
    if (current.state().isReady()) {
      ready = current;
      finish();
    }
  }

  @Override
  public void onMessage(String channel, String message) {
    ResultMeta meta;
    try {
      meta = ResultMetaCodec.decode(message.getBytes(StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return;
    }
    if (meta.state().isReady()) {
      ready = meta;
      finish();
    }
  }
}
