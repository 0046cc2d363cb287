package dev.celeriac.broker.redis;

import static dev.celeriac.broker.redis.RedisKeys.bytes;

import dev.celeriac.broker.BrokerException;
import dev.celeriac.broker.BrokerUnreachableException;
import dev.celeriac.broker.FirstConnection;
import java.util.function.Supplier;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * How the parts of one {@link RedisBroker} run commands, so that they fail alike: once, or retried while Redis is
 * unreachable, a failure naming the broker with its password masked; and whether the broker is closing, which ends
 * the retries.
 */
final class RedisCalls {

  private final RedisEndpoint url;
  private final RedisSettings settings;
  private volatile boolean closed;

  RedisCalls(RedisEndpoint url, RedisSettings settings) {
    this.url = url;
    this.settings = settings;
  }

  /** The broker's URL, password masked by its {@code toString}. */
  RedisEndpoint url() {
    return url;
  }

  boolean closed() {
    return closed;
  }

  /** Marks the broker closed: retries give up, the heartbeat stops. */
  void close() {
    closed = true;
  }

  /** Runs {@code action} once; a Redis failure becomes a {@link BrokerException} naming the masked broker URL. */
  <T> T once(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (JedisException e) {
      throw new BrokerException("could not " + what + " on " + url + ": " + e.getMessage(), e);
    }
  }

  /**
   * Runs {@code action}, retrying while Redis is unreachable or still loading its data for up to the settings'
   * unreachable timeout; then throws a {@link BrokerException} that names the broker with its password masked.
   */
  <T> T withRetry(String what, Supplier<T> action) {
    long deadline = System.nanoTime() + settings.unreachableTimeout().toNanos();
    long backoff = 50;
    while (true) {
      try {
        return action.get();
      } catch (JedisException e) {
        if (!(e instanceof JedisConnectionException || RedisClients.isTransient(e))) {
          throw new BrokerException("could not " + what + " on " + url + ": " + e.getMessage(), e);
        }
        if (System.nanoTime() > deadline || closed) {
          throw new BrokerUnreachableException("could not " + what + ": Redis at " + url + " is unreachable ("
              + FirstConnection.reason(e) + ")", e);
        }
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new BrokerException("interrupted while trying to " + what + " on " + url, interrupted);
        }
        backoff = Math.min(backoff * 2, 1000);
      }
    }
  }

  /**
   * Sends the pipeline and throws the first error reply. sync() hands error replies to the responses without
   * throwing: an LPUSH that a restarted Redis refused with LOADING would count as enqueued and be lost.
   */
  static void syncOrThrow(Pipeline pipeline) {
    for (Object reply : pipeline.syncAndReturnAll()) {
      if (reply instanceof JedisDataException refused) {
        throw refused;
      }
    }
  }

  /** Declares {@code queue}: in Celeriac's set of queues, and in kombu's binding set, where Celery looks. */
  static void declare(Pipeline pipeline, String queue) {
    pipeline.sadd(RedisKeys.QUEUES, bytes(queue));
    pipeline.sadd(bytes(RedisKeys.binding(queue)), bytes(RedisKeys.bindingMember(queue)));
  }
}
