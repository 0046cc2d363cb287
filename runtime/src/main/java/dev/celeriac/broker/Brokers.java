package dev.celeriac.broker;

import dev.celeriac.ConfigurationException;
import dev.celeriac.broker.amqp.AmqpBroker;
import dev.celeriac.broker.amqp.AmqpSettings;
import dev.celeriac.broker.memory.MemoryBroker;
import dev.celeriac.broker.redis.RedisBroker;
import dev.celeriac.broker.redis.RedisEndpoint;
import dev.celeriac.broker.redis.RedisSettings;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

/** Opens the broker a URL names. */
public final class Brokers {

  private Brokers() {}

  /**
   * Connects to the broker at {@code url}: one URL, or kombu's list of URLs separated by {@code ;}: RabbitMQ nodes
   * to fail over to, or Redis Sentinels.
   *
   * @throws ConfigurationException for a malformed URL or a scheme this runtime does not speak
   */
  public static Broker open(String url, Clock clock, RedisSettings redis, AmqpSettings amqp) {
    // A URL may be kombu's list of addresses separated by ';' (RabbitMQ nodes to fail over to, Redis Sentinels):
    // the first one's scheme decides how the rest is read.
    int schemeEnd = url.indexOf("://");
    String scheme = schemeEnd < 0 ? "" : url.substring(0, schemeEnd).trim().toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "memory":
        return MemoryBroker.forUrl(single(BrokerUrl.parseAll(url)), clock);
      case "redis":
      case "rediss":
      case "sentinel":
        return RedisBroker.connect(RedisEndpoint.parse(url, redis.sentinelMasterName()), redis);
      case "amqp":
      case "amqps":
      case "pyamqp":
        return AmqpBroker.connect(BrokerUrl.parseAll(url), amqp);
      default:
        BrokerUrl parsed = BrokerUrl.parse(url);
        throw new ConfigurationException("unsupported broker scheme '" + parsed.scheme() + "' in " + parsed
            + "; this build supports memory://, redis://, rediss://, sentinel://, amqp:// and amqps://");
    }
  }

  /** The one URL of a broker that takes no failover list. */
  private static BrokerUrl single(List<BrokerUrl> urls) {
    if (urls.size() > 1) {
      throw new ConfigurationException("the broker URL " + String.join(";", urls.stream().map(BrokerUrl::toString)
          .toList()) + " is a list (';'), which this build reads for amqp://, amqps:// and sentinel:// only");
    }
    return urls.get(0);
  }
}
