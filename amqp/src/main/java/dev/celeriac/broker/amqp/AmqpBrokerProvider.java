package dev.celeriac.broker.amqp;

import dev.celeriac.ConfigFile;
import dev.celeriac.ConfigurationException;
import dev.celeriac.broker.Broker;
import dev.celeriac.broker.BrokerProvider;
import dev.celeriac.broker.BrokerSettings;
import dev.celeriac.broker.BrokerSettingsSet;
import dev.celeriac.broker.BrokerUrl;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Opens {@code amqp://}, {@code amqps://} and {@code pyamqp://} brokers, and reads the {@code amqp.*} keys of the
 * configuration file into {@link AmqpSettings}. Registered in {@code META-INF/services}.
 */
public final class AmqpBrokerProvider implements BrokerProvider {

  static final String MANAGEMENT_PORT = "amqp.management-port";
  static final String QUEUE_TYPE = "amqp.queue-type";
  static final String DELIVERY_LIMIT = "amqp.delivery-limit";

  /** For {@link java.util.ServiceLoader}. */
  public AmqpBrokerProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("amqp", "amqps", "pyamqp");
  }

  @Override
  public Broker open(String url, Clock clock, BrokerSettingsSet settings) {
    return AmqpBroker.connect(BrokerUrl.parseAll(url), AmqpSettings.of(settings));
  }

  @Override
  public Set<String> configKeys() {
    return Set.of(MANAGEMENT_PORT, QUEUE_TYPE, DELIVERY_LIMIT);
  }

  @Override
  public Optional<BrokerSettings> readSettings(ConfigFile file) {
    AmqpSettings amqp = AmqpSettings.defaults();
    if (file.has(ConfigFile.BROKER_CONNECT_TIMEOUT)) {
      amqp = amqp.withConnectTimeout(Duration.ofSeconds(file.nonNegative(ConfigFile.BROKER_CONNECT_TIMEOUT)));
    }
    if (file.has(MANAGEMENT_PORT)) {
      amqp = amqp.withManagementPort(file.port(MANAGEMENT_PORT));
    }
    if (file.has(QUEUE_TYPE) || file.has(DELIVERY_LIMIT)) {
      amqp = queueType(file, amqp);
    }
    return Optional.of(amqp);
  }

  /** {@code amqp.queue-type} and {@code amqp.delivery-limit}, which only a quorum queue has. */
  private static AmqpSettings queueType(ConfigFile file, AmqpSettings amqp) {
    AmqpSettings.QueueType type = amqp.queueType();
    if (file.has(QUEUE_TYPE)) {
      try {
        type = AmqpSettings.QueueType.named(file.string(QUEUE_TYPE));
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(QUEUE_TYPE + ": " + e.getMessage());
      }
    }
    int limit = file.has(DELIVERY_LIMIT) ? (int) Math.min(file.nonNegative(DELIVERY_LIMIT), Integer.MAX_VALUE) : 0;
    if (limit > 0 && type != AmqpSettings.QueueType.QUORUM) {
      throw new ConfigurationException(DELIVERY_LIMIT + " is for quorum queues; set " + QUEUE_TYPE
          + "=quorum, or leave it out");
    }
    return amqp.withQueueType(type, limit);
  }
}
