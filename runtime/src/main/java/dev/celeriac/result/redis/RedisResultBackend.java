package dev.celeriac.result.redis;

import dev.celeriac.broker.BrokerException;
import dev.celeriac.broker.redis.RedisClients;
import dev.celeriac.broker.redis.RedisEndpoint;
import dev.celeriac.result.ResultBackend;
import dev.celeriac.result.ResultBackendProvider;
import dev.celeriac.result.ResultMeta;
import dev.celeriac.result.ResultMetaCodec;
import dev.celeriac.result.ResultSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Celery's Redis result backend ({@code celery/backends/redis.py}), byte for byte: the meta of task {@code id} is
 * the string {@code celery-task-meta-<id>}, written with {@code SETEX} for the configured expiry and published on
 * the channel of the same name, which wakes the clients waiting for it; a stored SUCCESS is never overwritten.
 * Celery's {@code GET}, then {@code MULTI SETEX PUBLISH EXEC}, is one script here: one round trip, the same
 * effect. Readers wait as Celery's {@code ResultConsumer}: {@code SUBSCRIBE} to the key, then {@code GET} to
 * catch a result stored before the subscription, then the published message.
 */
public final class RedisResultBackend implements ResultBackend {

  public static final ResultBackendProvider PROVIDER = new ResultBackendProvider() {
    @Override
    public Set<String> schemes() {
      return Set.of("redis", "rediss", "sentinel");
    }

    @Override
    public ResultBackend open(String url, ResultSettings settings) {
      RedisEndpoint endpoint = RedisEndpoint.parse(url, settings.redis().sentinelMasterName());
      return new RedisResultBackend(RedisClients.connect(endpoint, settings.redis()), endpoint.toString(),
          settings.expires());
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

  private final UnifiedJedis redis;
  private final String url;
  private final String expiresSeconds;

  /**
   * A backend on {@code redis}, which it closes.
   *
   * @param url for logs, without the password
   */
  public RedisResultBackend(UnifiedJedis redis, String url, Duration expires) {
    this.redis = redis;
    this.url = url;
    this.expiresSeconds = Long.toString(Math.max(1, expires.toSeconds()));
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

  @Override
  public CompletableFuture<Void> storeAsync(ResultMeta meta, String replyTo) {
    return ResultBackend.super.storeAsync(meta, replyTo);
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
    ResultWait wait = new ResultWait(this, key(taskId), taskId);
    return wait.run(redis, timeout);
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
  public void close() {
    redis.close();
  }
}
