package dev.celeriac.broker.redis;

import dev.celeriac.broker.FirstConnection;
import java.time.Duration;

/**
 * Tuning of the Redis broker.
 *
 * @param heartbeatTimeout how long a consuming worker may miss heartbeats before any live worker returns
 *     its in-flight messages to their queues
 * @param visibilityTimeout kombu's visibility timeout: in-flight entries no live Celeriac worker keeps
 *     fresh (a dead Python worker's) are restored after this long
 * @param poolSize connections in the pool
 * @param unreachableTimeout how long an enqueue or settle keeps retrying while Redis is unreachable
 *     (a restart, a failover) before it throws
 * @param connectTimeout how long {@link RedisBroker#connect} waits for a Redis that does not answer yet; zero
 *     tries once (see {@link FirstConnection})
 */
public record RedisSettings(Duration heartbeatTimeout, Duration visibilityTimeout, int poolSize,
    Duration unreachableTimeout, Duration connectTimeout) {

  /** How long a worker's heartbeat may lapse before its work is taken back. */
  public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);
  /** kombu's default {@code visibility_timeout}. */
  public static final Duration DEFAULT_VISIBILITY_TIMEOUT = Duration.ofHours(1);
  public static final int DEFAULT_POOL_SIZE = 16;
  /** Long enough to ride out a Redis restart. */
  public static final Duration DEFAULT_UNREACHABLE_TIMEOUT = Duration.ofSeconds(10);

  public static RedisSettings defaults() {
    return new RedisSettings(DEFAULT_HEARTBEAT_TIMEOUT, DEFAULT_VISIBILITY_TIMEOUT, DEFAULT_POOL_SIZE,
        DEFAULT_UNREACHABLE_TIMEOUT, FirstConnection.DEFAULT_TIMEOUT);
  }

  public RedisSettings withHeartbeatTimeout(Duration timeout) {
    return new RedisSettings(timeout, visibilityTimeout, poolSize, unreachableTimeout, connectTimeout);
  }

  public RedisSettings withVisibilityTimeout(Duration timeout) {
    return new RedisSettings(heartbeatTimeout, timeout, poolSize, unreachableTimeout, connectTimeout);
  }

  public RedisSettings withUnreachableTimeout(Duration timeout) {
    return new RedisSettings(heartbeatTimeout, visibilityTimeout, poolSize, timeout, connectTimeout);
  }

  public RedisSettings withConnectTimeout(Duration timeout) {
    return new RedisSettings(heartbeatTimeout, visibilityTimeout, poolSize, unreachableTimeout, timeout);
  }
}
