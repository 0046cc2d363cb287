package dev.celeriac.broker.redis;

import dev.celeriac.ConfigFile;
import dev.celeriac.broker.Broker;
import dev.celeriac.broker.BrokerProvider;
import dev.celeriac.broker.BrokerSettings;
import dev.celeriac.broker.BrokerSettingsSet;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Opens {@code redis://}, {@code rediss://} and {@code sentinel://} brokers, and reads the {@code redis.*} keys of
 * the configuration file into {@link RedisSettings}. Registered in {@code META-INF/services}.
 */
public final class RedisBrokerProvider implements BrokerProvider {

  static final String VISIBILITY_TIMEOUT = "redis.visibility-timeout-seconds";
  static final String SENTINEL_MASTER_NAME = "redis.sentinel.master-name";
  static final String MIN_REPLICA_ACKS = "redis.min-replica-acks";

  /** For {@link java.util.ServiceLoader}. */
  public RedisBrokerProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("redis", "rediss", "sentinel");
  }

  @Override
  public Broker open(String url, Clock clock, BrokerSettingsSet settings) {
    RedisSettings redis = RedisSettings.of(settings);
    return RedisBroker.connect(RedisEndpoint.parse(url, redis.sentinelMasterName()), redis);
  }

  @Override
  public Set<String> configKeys() {
    return Set.of(VISIBILITY_TIMEOUT, SENTINEL_MASTER_NAME, MIN_REPLICA_ACKS);
  }

  @Override
  public Optional<BrokerSettings> readSettings(ConfigFile file) {
    RedisSettings redis = RedisSettings.defaults();
    if (file.has(ConfigFile.BROKER_CONNECT_TIMEOUT)) {
      redis = redis.withConnectTimeout(Duration.ofSeconds(file.nonNegative(ConfigFile.BROKER_CONNECT_TIMEOUT)));
    }
    if (file.has(ConfigFile.WORKER_HEARTBEAT_TIMEOUT)) {
      redis = redis.withHeartbeatTimeout(Duration.ofSeconds(file.positive(ConfigFile.WORKER_HEARTBEAT_TIMEOUT)));
    }
    if (file.has(VISIBILITY_TIMEOUT)) {
      redis = redis.withVisibilityTimeout(Duration.ofSeconds(file.positive(VISIBILITY_TIMEOUT)));
    }
    if (file.has(SENTINEL_MASTER_NAME)) {
      redis = redis.withSentinelMasterName(file.string(SENTINEL_MASTER_NAME));
    }
    if (file.has(MIN_REPLICA_ACKS)) {
      redis = redis.withMinReplicaAcks((int) file.nonNegative(MIN_REPLICA_ACKS));
    }
    return Optional.of(redis);
  }
}
