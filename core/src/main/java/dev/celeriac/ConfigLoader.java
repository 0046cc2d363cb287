package dev.celeriac;

import dev.celeriac.broker.BrokerProvider;
import dev.celeriac.broker.Brokers;
import dev.celeriac.worker.WorkerOptions;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the configuration: the broker from the command line's {@code --broker} flag, then {@code BROKER_URL}, then
 * {@code broker.url} in the properties file named by {@code CELERIAC_CONF}, then {@code memory://} as a fallback
 * that the configuration records ({@link CeleriacConfig#brokerUrlFallback()}). Other keys come from the file only.
 * An unknown key is an error that names it. The broker modules read their own keys ({@code redis.*}, {@code amqp.*})
 * through their {@link BrokerProvider}.
 */
public final class ConfigLoader {

  /** Environment variable naming the properties file. */
  public static final String CONF_ENV = "CELERIAC_CONF";
  /** Environment variable holding the broker URL. */
  public static final String BROKER_ENV = "BROKER_URL";
  /** Environment variable holding the result backend's URL. */
  public static final String RESULT_BACKEND_ENV = "RESULT_BACKEND";

  static final String BROKER_URL = "broker.url";
  static final String BROKER_CONNECT_TIMEOUT = ConfigFile.BROKER_CONNECT_TIMEOUT;
  static final String MAX_MESSAGE_BYTES = "message.max-bytes";
  static final String WORKER_QUEUES = "worker.queues";
  static final String WORKER_CONCURRENCY = "worker.concurrency";
  static final String WORKER_PREFETCH = "worker.prefetch";
  static final String WORKER_SHUTDOWN_TIMEOUT = "worker.shutdown-timeout-seconds";
  static final String WORKER_HEARTBEAT_TIMEOUT = ConfigFile.WORKER_HEARTBEAT_TIMEOUT;
  static final String METRICS_PORT = "metrics.port";
  static final String WORKER_HOSTNAME = "worker.hostname";
  static final String WORKER_TASK_EVENTS = "worker.task-events";
  static final String WORKER_REMOTE_CONTROL = "worker.remote-control";
  static final String WORKER_REVOKE_EXPIRES = "worker.revoke-expires-seconds";
  static final String EVENTS_TASK_SENT = "events.task-sent";
  static final String RESULT_BACKEND = "result.backend";
  static final String RESULT_EXPIRES = "result.expires-seconds";

  /** The keys core reads; the broker modules add theirs ({@link BrokerProvider#configKeys()}). */
  private static final Set<String> CORE_KEYS = Set.of(BROKER_URL, BROKER_CONNECT_TIMEOUT, MAX_MESSAGE_BYTES,
      WORKER_QUEUES, WORKER_CONCURRENCY, WORKER_PREFETCH, WORKER_SHUTDOWN_TIMEOUT, WORKER_HEARTBEAT_TIMEOUT,
      METRICS_PORT, WORKER_HOSTNAME, WORKER_TASK_EVENTS, WORKER_REMOTE_CONTROL, WORKER_REVOKE_EXPIRES,
      EVENTS_TASK_SENT, RESULT_BACKEND, RESULT_EXPIRES);

  private ConfigLoader() {}

  /**
   * The configuration from {@code env} (normally {@link System#getenv()}) and an optional broker flag.
   *
   * @throws ConfigurationException for an unreadable file, an unknown key or a bad value
   */
  public static CeleriacConfig load(Map<String, String> env, String brokerFlag) {
    return load(env, brokerFlag, null);
  }

  /**
   * The configuration from {@code env}, an optional broker flag and an optional {@code --result-backend} flag,
   * which wins over {@code RESULT_BACKEND}, then {@code result.backend}.
   *
   * @throws ConfigurationException for an unreadable file, an unknown key or a bad value
   */
  public static CeleriacConfig load(Map<String, String> env, String brokerFlag, String resultBackendFlag) {
    List<BrokerProvider> providers = Brokers.providers();
    Properties file = readFile(env.get(CONF_ENV), providers);
    CeleriacConfig.Builder config = CeleriacConfig.builder();
    String broker = firstNonBlank(brokerFlag, env.get(BROKER_ENV), file.getProperty(BROKER_URL));
    if (broker != null) {
      config.brokerUrl(broker.trim());
    } else {
      config.brokerUrlFallback();
    }
    config.resultBackend(firstNonBlank(resultBackendFlag, env.get(RESULT_BACKEND_ENV),
        file.getProperty(RESULT_BACKEND)));
    if (file.containsKey(RESULT_EXPIRES)) {
      config.resultExpires(Duration.ofSeconds(positive(file, RESULT_EXPIRES)));
    }
    if (file.containsKey(MAX_MESSAGE_BYTES)) {
      config.maxMessageBytes(parseLong(file, MAX_MESSAGE_BYTES));
    }
    WorkerOptions.Builder worker = WorkerOptions.builder();
    try {
      if (file.containsKey(WORKER_QUEUES)) {
        worker.queues(Arrays.stream(file.getProperty(WORKER_QUEUES).split(","))
            .map(String::trim).filter(q -> !q.isEmpty()).toList());
      }
      if (file.containsKey(WORKER_CONCURRENCY)) {
        worker.concurrency((int) parseLong(file, WORKER_CONCURRENCY));
      }
      if (file.containsKey(WORKER_PREFETCH)) {
        worker.prefetch((int) parseLong(file, WORKER_PREFETCH));
      }
      if (file.containsKey(WORKER_SHUTDOWN_TIMEOUT)) {
        worker.shutdownTimeout(Duration.ofSeconds(parseLong(file, WORKER_SHUTDOWN_TIMEOUT)));
      }
      if (file.containsKey(WORKER_HOSTNAME)) {
        worker.hostname(file.getProperty(WORKER_HOSTNAME).trim());
      }
      if (file.containsKey(WORKER_TASK_EVENTS)) {
        worker.taskEvents(parseBoolean(file, WORKER_TASK_EVENTS));
      }
      if (file.containsKey(WORKER_REMOTE_CONTROL)) {
        worker.remoteControl(parseBoolean(file, WORKER_REMOTE_CONTROL));
      }
      if (file.containsKey(WORKER_REVOKE_EXPIRES)) {
        worker.revokeExpires(Duration.ofSeconds(positive(file, WORKER_REVOKE_EXPIRES)));
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("bad worker setting in " + env.get(CONF_ENV) + ": " + e.getMessage(), e);
    }
    if (file.containsKey(EVENTS_TASK_SENT)) {
      config.taskSentEvents(parseBoolean(file, EVENTS_TASK_SENT));
    }
    if (file.containsKey(METRICS_PORT)) {
      config.metricsPort((int) port(file, METRICS_PORT));
    }
    ConfigFile view = new ConfigFile(file);
    for (BrokerProvider provider : providers) {
      provider.readSettings(view).ifPresent(config::brokerSettings);
    }
    return config.worker(worker.build()).build();
  }

  private static Properties readFile(String location, List<BrokerProvider> providers) {
    Properties properties = new Properties();
    if (location == null || location.isBlank()) {
      return properties;
    }
    Path path = Path.of(location);
    try (Reader reader = Files.newBufferedReader(path)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      throw new ConfigurationException(CONF_ENV + " names " + path + ", which does not exist");
    } catch (IOException e) {
      throw new ConfigurationException("can't read " + path + " (" + CONF_ENV + "): " + e.getMessage(), e);
    }
    Set<String> known = new HashSet<>(CORE_KEYS);
    providers.forEach(provider -> known.addAll(provider.configKeys()));
    Set<String> unknown = new TreeSet<>(properties.stringPropertyNames());
    unknown.removeAll(known);
    for (String key : unknown) {
      // redis.* and amqp.* belong to a broker module: say which one is missing rather than "unknown".
      String prefix = key.contains(".") ? key.substring(0, key.indexOf('.')).toLowerCase(Locale.ROOT) : "";
      if (Brokers.moduleFor(prefix).isPresent()) {
        throw new ConfigurationException(key + " in " + path + " is read by " + Brokers.moduleFor(prefix).get()
            + ", which is not on the class path; add it (celeriac-runtime brings every broker) or remove the key");
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigurationException("unknown configuration key" + (unknown.size() > 1 ? "s " : " ") + unknown
          + " in " + path + "; known keys are " + new TreeSet<>(known));
    }
    return properties;
  }

  static long parseLong(Properties file, String key) {
    String value = file.getProperty(key).trim();
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new ConfigurationException(key + " must be a whole number, was '" + value + "'");
    }
  }

  static boolean parseBoolean(Properties file, String key) {
    String value = file.getProperty(key).trim();
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new ConfigurationException(key + " must be true or false, was '" + value + "'");
  }

  static long port(Properties file, String key) {
    long port = parseLong(file, key);
    if (port < 0 || port > 65535) {
      throw new ConfigurationException(key + " must be 0 (none) or a port from 1 to 65535, was " + port);
    }
    return port;
  }

  static long nonNegative(Properties file, String key) {
    long value = parseLong(file, key);
    if (value < 0) {
      throw new ConfigurationException(key + " must be 0 or more, was " + value);
    }
    return value;
  }

  static long positive(Properties file, String key) {
    long value = parseLong(file, key);
    if (value < 1) {
      throw new ConfigurationException(key + " must be at least 1, was " + value);
    }
    return value;
  }

  private static String firstNonBlank(String... values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }
}
