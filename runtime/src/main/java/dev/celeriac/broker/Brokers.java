package dev.celeriac.broker;

import dev.celeriac.ConfigurationException;
import dev.celeriac.broker.amqp.AmqpBroker;
import dev.celeriac.broker.amqp.AmqpSettings;
import dev.celeriac.broker.memory.MemoryBroker;
import dev.celeriac.broker.redis.RedisBroker;
import dev.celeriac.broker.redis.RedisSettings;
import java.time.Clock;
import java.util.List;

/** Opens the broker a URL names. */
public final class Brokers {

  private Brokers() {}

  /**
   * Connects to the broker at {@code url}: one URL, or for RabbitMQ kombu's failover list of URLs separated by
   * {@code ;}.
   *
   * @throws ConfigurationException for a malformed URL or a scheme this runtime does not speak
   */
  public static Broker open(String url, Clock clock, RedisSettings redis, AmqpSettings amqp) {
    List<BrokerUrl> urls = BrokerUrl.parseAll(url);
    BrokerUrl parsed = urls.get(0);
    switch (parsed.scheme()) {
      case "memory":
        return MemoryBroker.forUrl(single(urls), clock);
      case "redis":
      case "rediss":
        return RedisBroker.connect(single(urls), redis);
      case "amqp":
      case "amqps":
      case "pyamqp":
        return AmqpBroker.connect(urls, amqp);
      default:
        throw new ConfigurationException("unsupported broker scheme '" + parsed.scheme() + "' in " + parsed
            + "; this build supports memory://, redis://, rediss://, amqp:// and amqps://");
    }
  }

  /** The one URL of a broker that takes no failover list. */
  private static BrokerUrl single(List<BrokerUrl> urls) {
    if (urls.size() > 1) {
      throw new ConfigurationException("the broker URL " + String.join(";", urls.stream().map(BrokerUrl::toString)
          .toList()) + " is a failover list (';'), which this build reads for amqp:// and amqps:// only");
    }
    return urls.get(0);
  }
}
