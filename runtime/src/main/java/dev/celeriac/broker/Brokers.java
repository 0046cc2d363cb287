package dev.celeriac.broker;

import dev.celeriac.ConfigurationException;
import dev.celeriac.broker.amqp.AmqpBroker;
import dev.celeriac.broker.amqp.AmqpSettings;
import dev.celeriac.broker.memory.MemoryBroker;
import dev.celeriac.broker.redis.RedisBroker;
import dev.celeriac.broker.redis.RedisEndpoint;
import dev.celeriac.broker.redis.RedisSettings;
import java.time.Clock;
import java.util.Locale;

/** Opens the broker a URL names. */
public final class Brokers {

  private Brokers() {}

  /**
   * Connects to the broker at {@code url}.
   *
   * @throws ConfigurationException for a malformed URL or a scheme this runtime does not speak
   */
  public static Broker open(String url, Clock clock, RedisSettings redis, AmqpSettings amqp) {
    // A URL may be kombu's list of addresses separated by ';' (Redis Sentinels): the first one's scheme decides.
    int schemeEnd = url.indexOf("://");
    String scheme = schemeEnd < 0 ? "" : url.substring(0, schemeEnd).trim().toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "memory":
        return MemoryBroker.forUrl(BrokerUrl.parse(url), clock);
      case "redis":
      case "rediss":
      case "sentinel":
        return RedisBroker.connect(RedisEndpoint.parse(url, redis.sentinelMasterName()), redis);
      case "amqp":
      case "amqps":
      case "pyamqp":
        return AmqpBroker.connect(BrokerUrl.parse(url), amqp);
      default:
        BrokerUrl parsed = BrokerUrl.parse(url);
        throw new ConfigurationException("unsupported broker scheme '" + parsed.scheme() + "' in " + parsed
            + "; this build supports memory://, redis://, rediss://, sentinel://, amqp:// and amqps://");
    }
  }
}
