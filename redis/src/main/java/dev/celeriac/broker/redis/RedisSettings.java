package dev.celeriac.broker.redis;

import dev.celeriac.CeleriacConfig;
import dev.celeriac.broker.BrokerSettings;
import dev.celeriac.broker.BrokerSettingsSet;
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
 *     (a restart, a failover) before it throws; also how long a write waits for its replicas
 * @param connectTimeout how long {@link RedisBroker#connect} waits for a Redis that does not answer yet; zero
 *     tries once (see {@link FirstConnection})
 * @param sentinelMasterName the master a {@code sentinel://} URL without {@code ?master_name=} asks the
 *     Sentinels for ({@code redis.sentinel.master-name}), or null
 * @param minReplicaAcks how many replicas must acknowledge each write that a producer or worker relies on
 *     before it counts as done ({@code redis.min-replica-acks}); 0 trusts the master's reply alone
 */
public record RedisSettings(Duration heartbeatTimeout, Duration visibilityTimeout, int poolSize,
    Duration unreachableTimeout, Duration connectTimeout, String sentinelMasterName, int minReplicaAcks)
    implements BrokerSettings {

  /** How long a worker's heartbeat may lapse before its work is taken back. */
  public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);
  /** kombu's default {@code visibility_timeout}. */
  public static final Duration DEFAULT_VISIBILITY_TIMEOUT = Duration.ofHours(1);
  public static final int DEFAULT_POOL_SIZE = 16;
  /** Long enough to ride out a Redis restart or a Sentinel failover. */
  public static final Duration DEFAULT_UNREACHABLE_TIMEOUT = Duration.ofSeconds(10);
  /** Redis replicates asynchronously: by default a write counts once the master took it. */
  public static final int DEFAULT_MIN_REPLICA_ACKS = 0;

  public RedisSettings {
    if (minReplicaAcks < 0) {
      throw new IllegalArgumentException("minReplicaAcks must be 0 or more, was " + minReplicaAcks);
    }
  }

  /** The Redis settings in {@code settings}, or the defaults when none were set. */
  public static RedisSettings of(BrokerSettingsSet settings) {
    return settings.get(RedisSettings.class, RedisSettings::defaults);
  }

  /** The Redis settings {@code config} holds, or the defaults when none were set. */
  public static RedisSettings of(CeleriacConfig config) {
    return of(config.brokerSettings());
  }

  public static RedisSettings defaults() {
    return new RedisSettings(DEFAULT_HEARTBEAT_TIMEOUT, DEFAULT_VISIBILITY_TIMEOUT, DEFAULT_POOL_SIZE,
        DEFAULT_UNREACHABLE_TIMEOUT, FirstConnection.DEFAULT_TIMEOUT, null, DEFAULT_MIN_REPLICA_ACKS);
  }

  public RedisSettings withHeartbeatTimeout(Duration timeout) {
    return new RedisSettings(timeout, visibilityTimeout, poolSize, unreachableTimeout, connectTimeout,
        sentinelMasterName, minReplicaAcks);
  }

  public RedisSettings withVisibilityTimeout(Duration timeout) {
    return new RedisSettings(heartbeatTimeout, timeout, poolSize, unreachableTimeout, connectTimeout,
        sentinelMasterName, minReplicaAcks);
  }

  public RedisSettings withUnreachableTimeout(Duration timeout) {
    return new RedisSettings(heartbeatTimeout, visibilityTimeout, poolSize, timeout, connectTimeout,
        sentinelMasterName, minReplicaAcks);
  }

  @Override
  public RedisSettings withConnectTimeout(Duration timeout) {
    return new RedisSettings(heartbeatTimeout, visibilityTimeout, poolSize, unreachableTimeout, timeout,
        sentinelMasterName, minReplicaAcks);
  }

  public RedisSettings withSentinelMasterName(String masterName) {
    return new RedisSettings(heartbeatTimeout, visibilityTimeout, poolSize, unreachableTimeout, connectTimeout,
        masterName, minReplicaAcks);
  }

  public RedisSettings withMinReplicaAcks(int replicas) {
    return new RedisSettings(heartbeatTimeout, visibilityTimeout, poolSize, unreachableTimeout, connectTimeout,
        sentinelMasterName, replicas);
  }
}
