package dev.celeriac.result.redis;

import dev.celeriac.result.ResultMeta;
import dev.celeriac.result.ResultMetaCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;

/**
 * Every result wait of one backend on one subscribed connection, as Celery's {@code ResultConsumer}: a wait
 * {@code SUBSCRIBE}s to its meta key (shared with other waits for the same key), then, once Redis confirmed the
 * subscription, {@code GET}s it (a result stored before), then takes the published message; the last wait for a key
 * {@code UNSUBSCRIBE}s. A thousand threads blocked in {@code TaskRef.get} hold one connection, not a thousand, and
 * never the pool that stores results and sends tasks.
 *
 * <p>When the connection breaks, the thread connects again, subscribes to every key still waited for and reads each
 * once (a result published meanwhile); a wait that reaches its deadline reads its key once more before it gives up,
 * so a lost message costs latency, never a result.
 */
final class ResultSubscriptions implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ResultSubscriptions.class);
  private static final long MAX_BACKOFF_MILLIS = 2000;

  /** Subscribed for as long as the thread runs, so that the subscription never ends between two waits. */
  private final String keepAlive = "celeriac-result-waits:" + java.util.UUID.randomUUID();
  private final UnifiedJedis subscriber;
  private final Function<String, ResultMeta> read;
  private final String url;

  /** Waits per channel; guarded by {@code this}, as is every write to the subscribed connection. */
  private final Map<String, Set<Wait>> waits = new HashMap<>();
  /** Channels asked for on the current connection, and those Redis confirmed. */
  private final Set<String> requested = new HashSet<>();
  private final Set<String> confirmed = new HashSet<>();
  private Listener listener;
  private Thread thread;
  private boolean closed;

  /**
   * @param subscriber where the subscribed connection comes from (it holds one for as long as waits run)
   * @param read reads a task's meta by its key's task id (a plain {@code GET})
   */
  ResultSubscriptions(UnifiedJedis subscriber, Function<String, ResultMeta> read, String url) {
    this.subscriber = subscriber;
    this.read = read;
    this.url = url;
  }

  /** One thread's wait for one result. */
  private static final class Wait {
    final String taskId;
    final CompletableFuture<Void> subscribed = new CompletableFuture<>();
    final CompletableFuture<ResultMeta> ready = new CompletableFuture<>();

    Wait(String taskId) {
      this.taskId = taskId;
    }
  }

  /**
   * Waits for {@code taskId}'s result to reach a ready state.
   *
   * @return the ready meta, or empty when {@code timeout} passed first
   */
  Optional<ResultMeta> await(String taskId, Duration timeout) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    String channel = RedisResultBackend.key(taskId);
    Wait wait = new Wait(taskId);
    add(channel, wait);
    try {
      try {
        wait.subscribed.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        ResultMeta current = read.apply(taskId);
        if (current.state().isReady()) {
          return Optional.of(current);
        }
        return Optional.of(wait.ready.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      } catch (TimeoutException e) {
        // The deadline: one last read, in case the subscription was down when the result was published.
        ResultMeta current = read.apply(taskId);
        return current.state().isReady() ? Optional.of(current) : Optional.empty();
      } catch (ExecutionException e) {
        throw new IllegalStateException("result wait ended by " + e.getCause(), e.getCause());
      }
    } finally {
      remove(channel, wait);
    }
  }

  private synchronized void add(String channel, Wait wait) {
    if (closed) {
      throw new IllegalStateException("the result backend on " + url + " is closed");
    }
    Set<Wait> forChannel = waits.computeIfAbsent(channel, k -> new LinkedHashSet<>());
    forChannel.add(wait);
    if (confirmed.contains(channel)) {
      wait.subscribed.complete(null);
    } else if (listener != null && listener.ready && requested.add(channel)) {
      send(() -> listener.subscribe(channel));
    }
    if (thread == null) {
      thread = new Thread(this::run, "celeriac-result-waits");
      thread.setDaemon(true);
      thread.start();
    }
  }

  private synchronized void remove(String channel, Wait wait) {
    Set<Wait> forChannel = waits.get(channel);
    if (forChannel == null || !forChannel.remove(wait) || !forChannel.isEmpty()) {
      return;
    }
    waits.remove(channel);
    confirmed.remove(channel);
    if (listener != null && listener.ready && requested.remove(channel)) {
      send(() -> listener.unsubscribe(channel));
    }
  }

  /** A write on the subscribed connection; a failure shows up in the thread's read too, which reconnects. */
  private void send(Runnable write) {
    try {
      write.run();
    } catch (RuntimeException e) {
      log.debug("Result subscription on {}: write failed, the subscription reconnects: {}", url, e.toString());
    }
  }

  private void run() {
    long backoff = 50;
    while (true) {
      Listener current = new Listener();
      synchronized (this) {
        if (closed) {
          return;
        }
        listener = current;
        requested.clear();
        confirmed.clear();
      }
      try {
        // Returns once every channel is unsubscribed, which only close() does.
        subscriber.subscribe(current, keepAlive);
        return;
      } catch (RuntimeException e) {
        synchronized (this) {
          if (closed) {
            return;
          }
        }
        if (current.ready) {
          backoff = 50;
        }
        log.warn("Result subscription on {} lost, reconnecting in {} ms: {}", url, backoff, e.toString());
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          return;
        }
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
      } finally {
        synchronized (this) {
          if (listener == current) {
            listener = null;
          }
          if (closed) {
            thread = null;
          }
        }
      }
    }
  }

  /** Stops the thread; waits still running see their deadline and read their key once. */
  @Override
  public void close() {
    Thread running;
    synchronized (this) {
      closed = true;
      running = thread;
      if (listener != null && listener.ready) {
        send(listener::unsubscribe);
      }
    }
    if (running != null) {
      running.interrupt();
      try {
        running.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private final class Listener extends JedisPubSub {
    /** Set once Redis confirmed the keep-alive channel: from then on, writes go straight to the connection. */
    volatile boolean ready;

    @Override
    public void onSubscribe(String channel, int subscribedChannels) {
      List<Wait> reread = new ArrayList<>();
      synchronized (ResultSubscriptions.this) {
        if (channel.equals(keepAlive)) {
          ready = true;
          List<String> missing = new ArrayList<>();
          for (String waited : waits.keySet()) {
            if (requested.add(waited)) {
              missing.add(waited);
            }
          }
          if (closed) {
            send(this::unsubscribe);
          } else if (!missing.isEmpty()) {
            send(() -> subscribe(missing.toArray(new String[0])));
          }
          return;
        }
        Set<Wait> forChannel = waits.get(channel);
        if (forChannel == null) {
          return;
        }
        confirmed.add(channel);
        for (Wait wait : forChannel) {
          // A wait already subscribed before a reconnect may have missed the message: it is read again here.
          if (!wait.subscribed.complete(null)) {
            reread.add(wait);
          }
        }
      }
      for (Wait wait : reread) {
        try {
          ResultMeta current = read.apply(wait.taskId);
          if (current.state().isReady()) {
            wait.ready.complete(current);
          }
        } catch (RuntimeException e) {
          log.debug("Result subscription on {}: reading {} after a reconnect failed: {}", url, wait.taskId,
              e.toString());
        }
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
      if (!meta.state().isReady()) {
        return;
      }
      List<Wait> woken;
      synchronized (ResultSubscriptions.this) {
        Set<Wait> forChannel = waits.get(channel);
        woken = forChannel == null ? List.of() : new ArrayList<>(forChannel);
      }
      woken.forEach(wait -> wait.ready.complete(meta));
    }
  }
}
