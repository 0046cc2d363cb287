package dev.celeriac.broker;

import dev.celeriac.ConfigFile;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * Opens brokers for some URL schemes. Each broker module registers one in
 * {@code META-INF/services/dev.celeriac.broker.BrokerProvider}; {@link Brokers} finds it with
 * {@link java.util.ServiceLoader} by the scheme of the broker URL, so that core names no broker.
 */
public interface BrokerProvider {

  /** The URL schemes this provider opens, lower case, for example {@code redis} and {@code rediss}. */
  Set<String> schemes();

  /**
   * Connects to the broker at {@code url}, one URL or kombu's list of URLs separated by {@code ;}.
   *
   * @throws dev.celeriac.ConfigurationException for a URL this broker cannot use
   */
  Broker open(String url, Clock clock, BrokerSettingsSet settings);

  /** The configuration-file keys this module reads, for example {@code redis.visibility-timeout-seconds}. */
  default Set<String> configKeys() {
    return Set.of();
  }

  /**
   * This module's settings read from the configuration file: its own keys and the shared ones it honours, such as
   * {@code broker.connect-timeout-seconds}; empty when it has none. Called with every file, holding its keys or not.
   *
   * @throws dev.celeriac.ConfigurationException for a bad value, naming the key
   */
  default Optional<BrokerSettings> readSettings(ConfigFile file) {
    return Optional.empty();
  }
}
