package dev.celeriac.result.redis;

import dev.celeriac.broker.BrokerException;
import dev.celeriac.broker.redis.RedisClients;
import dev.celeriac.broker.redis.RedisEndpoint;
import dev.celeriac.broker.redis.RedisSettings;
import dev.celeriac.result.ResultBackend;
import dev.celeriac.result.ResultBackendProvider;
import dev.celeriac.result.ResultMeta;
import dev.celeriac.result.ResultMetaCodec;
import dev.celeriac.result.ResultSettings;
import dev.celeriac.result.TaskState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ConnectionProvider;

/**
 * Celery's Redis result backend ({@code celery/backends/redis.py}), byte for byte: the meta of task {@code id} is
 * the string {@code celery-task-meta-<id>}, written with {@code SETEX} for the configured expiry and published on
 * the channel of the same name, which wakes the clients waiting for it; a stored SUCCESS is never overwritten.
 * Celery's {@code GET}, then {@code MULTI SETEX PUBLISH EXEC}, is one script here: one round trip, the same
 * effect. Readers wait as Celery's {@code ResultConsumer}: {@code SUBSCRIBE} to the key, then {@code GET} to
 * catch a result stored before the subscription, then the published message; all waits share one subscribed
 * connection ({@link ResultSubscriptions}).
 */
public final class RedisResultBackend implements ResultBackend {

  private static final Logger log = LoggerFactory.getLogger(RedisResultBackend.class);

  public static final ResultBackendProvider PROVIDER = new ResultBackendProvider() {
    @Override
    public Set<String> schemes() {
      return Set.of("redis", "rediss", "sentinel");
    }

    @Override
    public ResultBackend open(String url, ResultSettings settings) {
      RedisSettings redisSettings = RedisSettings.of(settings.brokerSettings());
      RedisEndpoint endpoint = RedisEndpoint.parse(url, redisSettings.sentinelMasterName());
      UnifiedJedis redis = RedisClients.connect(endpoint, redisSettings);
      // Result waits hold a connection of their own, named so in CLIENT LIST, never one of the pool.
      ConnectionProvider waits = RedisClients.openBlocking(endpoint, "celeriac-result-waits");
      return new RedisResultBackend(redis, waits, endpoint.toString(), settings.expires());
    }
  };

  /** The key prefix, Celery's {@code task_keyprefix}. */
  public static final String KEY_PREFIX = "celery-task-meta-";

  /** Celery's {@code RedisBackend.set} after its {@code _store_result} check that the stored state is not SUCCESS. */
  private static final String STORE = """
      local current = redis.call('GET', KEYS[1])
      if current and string.find(current, '"status": "SUCCESS"', 1, true) then
        return 0
      end
      redis.call('SETEX', KEYS[1], ARGV[2], ARGV[1])
      redis.call('PUBLISH', KEYS[1], ARGV[1])
      return 1
      """;

  /** Stores waiting for the writer: at most this many, then a worker slot waits (backpressure). */
  private static final int WRITER_QUEUE = 1024;
  /** At most this many stores in one pipeline. */
  private static final int BATCH = 256;

  private final UnifiedJedis redis;
  /** Where result waits subscribe; the same as {@code redis} unless it is a connection of their own. */
  private final ConnectionProvider waitsOn;
  private final ResultSubscriptions waits;
  private final String url;
  private final String expiresSeconds;
  private final long expires;
  private final BlockingQueue<PendingStore> pending = new ArrayBlockingQueue<>(WRITER_QUEUE);
  private final Object writerLock = new Object();
  private Thread writer;
  private volatile boolean closing;
  /** Stores queued or being written; {@link #flush} waits for 0. */
  private int outstanding;

  /** One store waiting for the writer: key and meta encoded once, sent twice (SETEX, PUBLISH). */
  // Its bytes are sent as they are, never compared: record equality by array identity is fine.
  @SuppressWarnings("ArrayRecordComponent")
  private record PendingStore(byte[] key, byte[] json, CompletableFuture<Void> done) {}

  /**
   * A backend on {@code redis} whose result waits subscribe on a connection of their own from {@code waitsOn}; it
   * closes both.
   *
   * @param url for logs, without the password
   */
  public RedisResultBackend(UnifiedJedis redis, ConnectionProvider waitsOn, String url, Duration expires) {
    this.redis = redis;
    this.waitsOn = waitsOn;
    this.waits = new ResultSubscriptions(waitsOn, this::get, url);
    this.url = url;
    this.expires = Math.max(1, expires.toSeconds());
    this.expiresSeconds = Long.toString(this.expires);
  }

  /** The key of {@code taskId}'s meta. */
  public static String key(String taskId) {
    return KEY_PREFIX + taskId;
  }

  @Override
  public void store(ResultMeta meta, String replyTo) {
    String json = ResultMetaCodec.encode(meta);
    try {
      redis.eval(STORE, List.of(key(meta.taskId())), List.of(json, expiresSeconds));
    } catch (JedisException e) {
      throw new BrokerException("could not store the result of " + meta.taskId() + " on " + url + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Queues a SUCCESS for the writer thread (other states are stored at once), which sends whatever is queued in one pipeline (one round trip for up
   * to {@value #BATCH} stores) and completes each future once Redis answered; the worker acks then. Blocks while
   * {@value #WRITER_QUEUE} stores wait.
   */
  @Override
  public CompletableFuture<Void> storeAsync(ResultMeta meta, String replyTo) {
    if (meta.state() != TaskState.SUCCESS) {
      return ResultBackend.super.storeAsync(meta, replyTo);
    }
    // Before it counts: a value that fails here is never queued. The meta is ASCII (PythonJson escapes the rest).
    byte[] json = ResultMetaCodec.encode(meta).getBytes(StandardCharsets.US_ASCII);
    CompletableFuture<Void> done = new CompletableFuture<>();
    synchronized (writerLock) {
      // Checked with the count under one lock, as the writer decides to end: a store counted here is one the
      // writer waits for; one that finds the backend closing fails now. None is queued to a writer that ended.
      if (closing) {
        done.completeExceptionally(new BrokerException("the result backend on " + url + " is closed"));
        return done;
      }
      outstanding++;
    }
    startWriter();
    try {
      pending.put(new PendingStore(key(meta.taskId()).getBytes(StandardCharsets.UTF_8), json, done));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      done.completeExceptionally(e);
      settled(1);
    }
    return done;
  }

  private void startWriter() {
    synchronized (writerLock) {
      if (writer == null) {
        writer = new Thread(this::write, "celeriac-result-writer");
        writer.setDaemon(true);
        writer.start();
      }
    }
  }

  /** {@code count} counted stores are done (written, failed, or never queued): {@link #flush} may return. */
  private void settled(int count) {
    synchronized (writerLock) {
      outstanding -= count;
      if (outstanding == 0) {
        writerLock.notifyAll();
      }
    }
  }

  /** The writer thread: pipelines what is queued until the backend closes and the queue is empty. */
  private void write() {
    List<PendingStore> batch = new ArrayList<>(BATCH);
    while (true) {
      try {
        PendingStore first = pending.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (mayEnd()) {
            return;
          }
          continue;
        }
        batch.add(first);
      } catch (InterruptedException e) {
        // Only close() ends the writer, once every counted store completed: a message is acked after its store.
        if (mayEnd()) {
          return;
        }
        continue;
      }
      pending.drainTo(batch, BATCH - batch.size());
      try (Pipeline pipeline = RedisClients.pipeline(redis)) {
        // SUCCESS only, here: overwriting a SUCCESS with a SUCCESS changes nothing, so Celery's check of the stored
        // state is left out, and each store is Celery's SETEX and PUBLISH, without a script.
        List<Response<?>> replies = new ArrayList<>(batch.size());
        for (PendingStore store : batch) {
          replies.add(pipeline.setex(store.key(), expires, store.json()));
          pipeline.publish(store.key(), store.json());
        }
        pipeline.sync();
        for (int i = 0; i < batch.size(); i++) {
          try {
            replies.get(i).get();
            batch.get(i).done().complete(null);
          } catch (RuntimeException e) {
            batch.get(i).done().completeExceptionally(e);
          }
        }
      } catch (RuntimeException e) {
        BrokerException failure = new BrokerException("could not store results on " + url + ": " + e.getMessage(), e);
        batch.forEach(store -> store.done().completeExceptionally(failure));
      }
      // Once per batch, after its futures (and the acks they run) completed: flush() returns only after both.
      settled(batch.size());
      batch.clear();
    }
  }

  /** Closing, and no counted store waits to be written. */
  private boolean mayEnd() {
    synchronized (writerLock) {
      return closing && outstanding == 0;
    }
  }

  @Override
  public ResultMeta get(String taskId) {
    String stored;
    try {
      stored = redis.get(key(taskId));
    } catch (JedisException e) {
      throw new BrokerException("could not read the result of " + taskId + " on " + url + ": " + e.getMessage(), e);
    }
    return stored == null ? ResultMeta.pending(taskId) : ResultMetaCodec.decode(stored.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public Optional<ResultMeta> await(String taskId, Duration timeout) throws InterruptedException {
    return waits.await(taskId, timeout);
  }

  @Override
  public void forget(String taskId) {
    try {
      redis.del(key(taskId));
    } catch (JedisException e) {
      throw new BrokerException("could not forget the result of " + taskId + " on " + url + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public String displayUrl() {
    return url;
  }

  @Override
  public void flush(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (writerLock) {
      while (outstanding > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        writerLock.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  /** Stores what is queued, then closes the connections. */
  @Override
  public void close() {
    synchronized (writerLock) {
      closing = true;
    }
    Thread running;
    synchronized (writerLock) {
      running = writer;
    }
    if (running != null) {
      try {
        running.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    waits.close();
    try {
      waitsOn.close();
    } catch (Exception e) {
      log.debug("Closing the result waits' connections on {} failed: {}", url, e.toString());
    }
    redis.close();
  }
}
