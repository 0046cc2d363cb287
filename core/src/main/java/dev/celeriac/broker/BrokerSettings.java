package dev.celeriac.broker;

import java.time.Duration;

/**
 * The settings a broker module owns (the Redis broker's {@code RedisSettings}, RabbitMQ's {@code AmqpSettings}),
 * carried by {@link dev.celeriac.CeleriacConfig} by their type so that core names no broker. Immutable.
 */
public interface BrokerSettings {

  /**
   * These settings with a first connection that waits at most {@code timeout} for the broker to answer; zero
   * tries once ({@code broker.connect-timeout-seconds}).
   */
  BrokerSettings withConnectTimeout(Duration timeout);
}
