package dev.celeriac.broker.memory;

import dev.celeriac.ConfigurationException;
import dev.celeriac.broker.Broker;
import dev.celeriac.broker.BrokerProvider;
import dev.celeriac.broker.BrokerSettingsSet;
import dev.celeriac.broker.BrokerUrl;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/** Opens {@code memory://} URLs ({@link MemoryBroker}). Registered in core's {@code META-INF/services}. */
public final class MemoryBrokerProvider implements BrokerProvider {

  /** For {@link java.util.ServiceLoader}. */
  public MemoryBrokerProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("memory");
  }

  @Override
  public Broker open(String url, Clock clock, BrokerSettingsSet settings) {
    List<BrokerUrl> urls = BrokerUrl.parseAll(url);
    if (urls.size() > 1) {
      throw new ConfigurationException("the broker URL " + String.join(";", urls.stream().map(BrokerUrl::toString)
          .toList()) + " is a list (';'), which this build reads for amqp://, amqps:// and sentinel:// only");
    }
    return MemoryBroker.forUrl(urls.get(0), clock);
  }
}
