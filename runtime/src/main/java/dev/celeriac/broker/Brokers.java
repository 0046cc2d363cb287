package dev.celeriac.broker;

import dev.celeriac.ConfigurationException;
import dev.celeriac.broker.amqp.AmqpBroker;
import dev.celeriac.broker.amqp.AmqpSettings;
import dev.celeriac.broker.memory.MemoryBroker;
import dev.celeriac.broker.redis.RedisBroker;
import dev.celeriac.broker.redis.RedisSettings;
import java.time.Clock;

/** Opens the broker a URL names. */
public final class Brokers {

  private Brokers() {}

  /**
   * Connects to the broker at {@code url}.
   *
   * @throws ConfigurationException for a malformed URL or a scheme this runtime does not speak
   */
  public static Broker open(String url, Clock clock, RedisSettings redis, AmqpSettings amqp) {
    BrokerUrl parsed = BrokerUrl.parse(url);
    switch (parsed.scheme()) {
      case "memory":
        return MemoryBroker.forUrl(parsed, clock);
      case "redis":
      case "rediss":
        return RedisBroker.connect(parsed, redis);
      case "amqp":
      case "amqps":
      case "pyamqp":
        return AmqpBroker.connect(parsed, amqp);
      default:
        throw new ConfigurationException("unsupported broker scheme '" + parsed.scheme() + "' in " + parsed
            + "; this build supports memory://, redis://, rediss://, amqp:// and amqps://");
    }
  }
}
