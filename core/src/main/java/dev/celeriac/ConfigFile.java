package dev.celeriac;

import java.util.Properties;

/**
 * The properties file named by {@code CELERIAC_CONF}, as {@link ConfigLoader} reads it, for the broker modules that
 * read their own keys from it ({@link dev.celeriac.broker.BrokerProvider#readSettings}). Every reader throws a
 * {@link ConfigurationException} that names the key and the value it could not use.
 */
public final class ConfigFile {

  /** {@code broker.connect-timeout-seconds}: how long a first connection waits for the broker; every broker's. */
  public static final String BROKER_CONNECT_TIMEOUT = "broker.connect-timeout-seconds";
  /** {@code worker.heartbeat-timeout-seconds}: when a silent worker's tasks go back to their queue. */
  public static final String WORKER_HEARTBEAT_TIMEOUT = "worker.heartbeat-timeout-seconds";

  private final Properties properties;

  ConfigFile(Properties properties) {
    this.properties = properties;
  }

  /** Whether the file sets {@code key}. */
  public boolean has(String key) {
    return properties.containsKey(key);
  }

  /** The value of {@code key}, trimmed, or null when the file does not set it. */
  public String string(String key) {
    String value = properties.getProperty(key);
    return value == null ? null : value.trim();
  }

  /** The whole number {@code key} holds; the key must be set. */
  public long wholeNumber(String key) {
    return ConfigLoader.parseLong(properties, key);
  }

  /** The whole number {@code key} holds, 0 or more; the key must be set. */
  public long nonNegative(String key) {
    return ConfigLoader.nonNegative(properties, key);
  }

  /** The whole number {@code key} holds, 1 or more; the key must be set. */
  public long positive(String key) {
    return ConfigLoader.positive(properties, key);
  }

  /** The port {@code key} holds: 0 for none, or 1 to 65535; the key must be set. */
  public int port(String key) {
    return (int) ConfigLoader.port(properties, key);
  }

  /** The {@code true} or {@code false} {@code key} holds; the key must be set. */
  public boolean bool(String key) {
    return ConfigLoader.parseBoolean(properties, key);
  }
}
