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
import redis.clients.jedis.Connection;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.providers.ConnectionProvider;

/**
 * Every result wait of one backend on one subscribed connection, as Celery's {@code ResultConsumer}: a wait
 * {@code SUBSCRIBE}s to its meta key (shared with other waits for the same key), then, once Redis confirmed the
 * subscription, {@code GET}s it (a result stored before), then takes the published message; the last wait for a key
 * {@code UNSUBSCRIBE}s. A thousand threads blocked in {@code TaskRef.get} hold one connection, not a thousand, and
 * never the pool that stores results and sends tasks.
 *
 * <p>When the connection breaks, the thread connects again, subscribes to every key still waited for and reads each
 * once (a result published meanwhile); a wait that reaches its deadline reads its key once more before it gives up,
 * so a lost message costs latency, never a result. While waits run, the connection is PINGed every
 * {@code pingInterval}; one that does not answer within another interval (a peer gone without a word) is dropped and
 * opened again. The connection is this class's own, never returned to a pool while subscribed: a write after a
 * failure cannot reopen it behind the thread's back.
 */
final class ResultSubscriptions implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ResultSubscriptions.class);
  private static final long MAX_BACKOFF_MILLIS = 2000;
  static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(10);
  /** Longer timeouts wait this long (about 146 years): deadlines stay within {@code nanoTime}'s arithmetic. */
  private static final long MAX_WAIT_NANOS = Long.MAX_VALUE / 2;

  /** Subscribed for as long as the thread runs, so that the subscription never ends between two waits. */
  private final String keepAlive = "celeriac-result-waits:" + java.util.UUID.randomUUID();
  private final ConnectionProvider connections;
  private final Function<String, ResultMeta> read;
  private final String url;
  private final long pingNanos;

  /** Waits per channel; guarded by {@code this}, as is every write to the subscribed connection. */
  private final Map<String, Set<Wait>> waits = new HashMap<>();
  /** Channels asked for on the current connection, and those Redis confirmed. */
  private final Set<String> requested = new HashSet<>();
  private final Set<String> confirmed = new HashSet<>();
  private Listener listener;
  private Thread thread;
  private boolean closed;

  /**
   * @param connections where the subscribed connection comes from (one at a time, held while the thread runs)
   * @param read reads a task's meta by its key's task id (a plain {@code GET})
   */
  ResultSubscriptions(ConnectionProvider connections, Function<String, ResultMeta> read, String url) {
    this(connections, read, url, DEFAULT_PING_INTERVAL);
  }

  ResultSubscriptions(ConnectionProvider connections, Function<String, ResultMeta> read, String url,
      Duration pingInterval) {
    this.connections = connections;
    this.read = read;
    this.url = url;
    this.pingNanos = pingInterval.toNanos();
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
    long deadline = System.nanoTime() + nanos(timeout);
    String channel = RedisResultBackend.key(taskId);
    Wait wait = new Wait(taskId);
    add(channel, wait);
    try {
      try {
        sliced(wait.subscribed, deadline);
        ResultMeta current = read.apply(taskId);
        if (current.state().isReady()) {
          return Optional.of(current);
        }
        return Optional.of(sliced(wait.ready, deadline));
      } catch (TimeoutException e) {
        // The deadline: one last read, in case the subscription was down when the result was published.
        ResultMeta current = read.apply(taskId);
        return current.state().isReady() ? Optional.of(current) : Optional.empty();
      } catch (ExecutionException e) {
        throw new IllegalStateException("result wait for " + taskId + " ended: " + e.getCause().getMessage(),
            e.getCause());
      }
    } finally {
      remove(channel, wait);
    }
  }

  private static long nanos(Duration timeout) {
    if (timeout.isNegative()) {
      return 0;
    }
    return timeout.compareTo(Duration.ofNanos(MAX_WAIT_NANOS)) > 0 ? MAX_WAIT_NANOS : timeout.toNanos();
  }

  /** {@code future}'s value by {@code deadline}, checking the connection's liveness every ping interval meanwhile. */
  private <T> T sliced(CompletableFuture<T> future, long deadline)
      throws InterruptedException, ExecutionException, TimeoutException {
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        if (future.isDone()) {
          return future.get();
        }
        throw new TimeoutException();
      }
      try {
        return future.get(Math.min(left, pingNanos), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        checkAlive();
      }
    }
  }

  /**
   * Sends a PING when the last one was answered an interval ago; drops the connection when the last one has gone
   * unanswered for an interval, so that the thread opens a new one and subscribes again.
   */
  private synchronized void checkAlive() {
    Listener current = listener;
    if (current == null || !current.ready || closed) {
      return;
    }
    long now = System.nanoTime();
    if (current.pingOutstanding) {
      if (now - current.pingSent >= pingNanos) {
        log.warn("Result subscription on {} did not answer a PING within {} ms; reconnecting", url,
            TimeUnit.NANOSECONDS.toMillis(pingNanos));
        current.connection.disconnect();
      }
      return;
    }
    if (!current.pinged || now - current.pingSent >= pingNanos) {
      current.pinged = true;
      current.pingOutstanding = true;
      current.pingSent = now;
      send(current::ping);
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
      Connection connection = null;
      Listener current = null;
      try {
        connection = connections.getConnection();
        current = new Listener(connection);
        synchronized (this) {
          if (closed) {
            connection.close();
            return;
          }
          listener = current;
          requested.clear();
          confirmed.clear();
        }
        // Returns once every channel is unsubscribed, which only close() does.
        current.proceed(connection, keepAlive);
        synchronized (this) {
          listener = null;
          connection.close();
          if (closed) {
            thread = null;
            return;
          }
        }
      } catch (RuntimeException e) {
        synchronized (this) {
          // Under the lock every write takes: no write reaches this connection after it is dropped here.
          if (listener == current) {
            listener = null;
          }
          if (connection != null) {
            connection.setBroken();
            connection.close();
          }
          if (closed) {
            thread = null;
            return;
          }
        }
        if (current != null && current.ready) {
          backoff = 50;
        }
        log.warn("Result subscription on {} lost, reconnecting in {} ms: {}", url, backoff, e.toString());
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          return;
        }
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
      }
    }
  }

  /** Stops the thread; waits still running end at once with an {@link IllegalStateException}. */
  @Override
  public void close() {
    Thread running;
    List<Wait> ended = new ArrayList<>();
    synchronized (this) {
      closed = true;
      running = thread;
      if (listener != null && listener.ready) {
        send(listener::unsubscribe);
      }
      waits.values().forEach(ended::addAll);
    }
    IllegalStateException reason = new IllegalStateException("the result backend on " + url + " was closed");
    for (Wait wait : ended) {
      wait.subscribed.completeExceptionally(reason);
      wait.ready.completeExceptionally(reason);
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
    final Connection connection;
    /** Set once Redis confirmed the keep-alive channel: from then on, writes go straight to the connection. */
    volatile boolean ready;
    /** Whether a PING was sent, when the last one was ({@code nanoTime}), and whether it awaits its PONG. */
    boolean pinged;
    long pingSent;
    volatile boolean pingOutstanding;

    Listener(Connection connection) {
      this.connection = connection;
    }

    @Override
    public void onPong(String pattern) {
      pingOutstanding = false;
    }

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
