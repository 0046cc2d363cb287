package dev.celeriac;

import dev.celeriac.broker.amqp.AmqpSettings;
import dev.celeriac.broker.redis.RedisSettings;
import dev.celeriac.worker.WorkerOptions;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the configuration: the broker from the command line's {@code --broker} flag, then {@code BROKER_URL}, then
 * {@code broker.url} in the properties file named by {@code CELERIAC_CONF}, then {@code memory://} as a fallback
 * that the configuration records ({@link CeleriacConfig#brokerUrlFallback()}). Other keys come from the file only.
 * An unknown key is an error that names it.
 */
public final class ConfigLoader {

  /** Environment variable naming the properties file. */
  public static final String CONF_ENV = "CELERIAC_CONF";
  /** Environment variable holding the broker URL. */
  public static final String BROKER_ENV = "BROKER_URL";
  /** Environment variable holding the result backend's URL. */
  public static final String RESULT_BACKEND_ENV = "RESULT_BACKEND";

  static final String BROKER_URL = "broker.url";
  static final String BROKER_CONNECT_TIMEOUT = "broker.connect-timeout-seconds";
  static final String MAX_MESSAGE_BYTES = "message.max-bytes";
  static final String WORKER_QUEUES = "worker.queues";
  static final String WORKER_CONCURRENCY = "worker.concurrency";
  static final String WORKER_PREFETCH = "worker.prefetch";
  static final String WORKER_SHUTDOWN_TIMEOUT = "worker.shutdown-timeout-seconds";
  static final String WORKER_HEARTBEAT_TIMEOUT = "worker.heartbeat-timeout-seconds";
  static final String REDIS_VISIBILITY_TIMEOUT = "redis.visibility-timeout-seconds";
  static final String REDIS_SENTINEL_MASTER_NAME = "redis.sentinel.master-name";
  static final String REDIS_MIN_REPLICA_ACKS = "redis.min-replica-acks";
  static final String METRICS_PORT = "metrics.port";
  static final String AMQP_MANAGEMENT_PORT = "amqp.management-port";
  static final String AMQP_QUEUE_TYPE = "amqp.queue-type";
  static final String AMQP_DELIVERY_LIMIT = "amqp.delivery-limit";
  static final String WORKER_HOSTNAME = "worker.hostname";
  static final String WORKER_TASK_EVENTS = "worker.task-events";
  static final String WORKER_REMOTE_CONTROL = "worker.remote-control";
  static final String WORKER_REVOKE_EXPIRES = "worker.revoke-expires-seconds";
  static final String EVENTS_TASK_SENT = "events.task-sent";
  static final String RESULT_BACKEND = "result.backend";
  static final String RESULT_EXPIRES = "result.expires-seconds";

  private static final Set<String> KNOWN_KEYS = Set.of(BROKER_URL, BROKER_CONNECT_TIMEOUT, MAX_MESSAGE_BYTES, WORKER_QUEUES,
      WORKER_CONCURRENCY, WORKER_PREFETCH, WORKER_SHUTDOWN_TIMEOUT, WORKER_HEARTBEAT_TIMEOUT,
      REDIS_VISIBILITY_TIMEOUT, METRICS_PORT, AMQP_MANAGEMENT_PORT, WORKER_HOSTNAME, WORKER_TASK_EVENTS,
      WORKER_REMOTE_CONTROL, WORKER_REVOKE_EXPIRES, EVENTS_TASK_SENT, REDIS_SENTINEL_MASTER_NAME,
      REDIS_MIN_REPLICA_ACKS, AMQP_QUEUE_TYPE, AMQP_DELIVERY_LIMIT, RESULT_BACKEND, RESULT_EXPIRES);

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
    Properties file = readFile(env.get(CONF_ENV));
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
    AmqpSettings amqp = AmqpSettings.defaults();
    RedisSettings redis = RedisSettings.defaults();
    if (file.containsKey(BROKER_CONNECT_TIMEOUT)) {
      Duration timeout = Duration.ofSeconds(nonNegative(file, BROKER_CONNECT_TIMEOUT));
      amqp = amqp.withConnectTimeout(timeout);
      redis = redis.withConnectTimeout(timeout);
    }
    if (file.containsKey(AMQP_MANAGEMENT_PORT)) {
      amqp = amqp.withManagementPort((int) port(file, AMQP_MANAGEMENT_PORT));
    }
    if (file.containsKey(AMQP_QUEUE_TYPE) || file.containsKey(AMQP_DELIVERY_LIMIT)) {
      amqp = queueType(file, amqp);
    }
    if (file.containsKey(WORKER_HEARTBEAT_TIMEOUT) || file.containsKey(REDIS_VISIBILITY_TIMEOUT)) {
      Duration heartbeat = file.containsKey(WORKER_HEARTBEAT_TIMEOUT)
          ? Duration.ofSeconds(positive(file, WORKER_HEARTBEAT_TIMEOUT)) : redis.heartbeatTimeout();
      Duration visibility = file.containsKey(REDIS_VISIBILITY_TIMEOUT)
          ? Duration.ofSeconds(positive(file, REDIS_VISIBILITY_TIMEOUT)) : redis.visibilityTimeout();
      redis = redis.withHeartbeatTimeout(heartbeat).withVisibilityTimeout(visibility);
    }
    if (file.containsKey(REDIS_SENTINEL_MASTER_NAME)) {
      redis = redis.withSentinelMasterName(file.getProperty(REDIS_SENTINEL_MASTER_NAME).trim());
    }
    if (file.containsKey(REDIS_MIN_REPLICA_ACKS)) {
      redis = redis.withMinReplicaAcks((int) nonNegative(file, REDIS_MIN_REPLICA_ACKS));
    }
    return config.worker(worker.build()).redis(redis).amqp(amqp).build();
  }

  /** {@code amqp.queue-type} and {@code amqp.delivery-limit}, which only a quorum queue has. */
  private static AmqpSettings queueType(Properties file, AmqpSettings amqp) {
    AmqpSettings.QueueType type = amqp.queueType();
    if (file.containsKey(AMQP_QUEUE_TYPE)) {
      try {
        type = AmqpSettings.QueueType.named(file.getProperty(AMQP_QUEUE_TYPE));
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(AMQP_QUEUE_TYPE + ": " + e.getMessage());
      }
    }
    int limit = file.containsKey(AMQP_DELIVERY_LIMIT)
        ? (int) Math.min(nonNegative(file, AMQP_DELIVERY_LIMIT), Integer.MAX_VALUE) : 0;
    if (limit > 0 && type != AmqpSettings.QueueType.QUORUM) {
      throw new ConfigurationException(AMQP_DELIVERY_LIMIT + " is for quorum queues; set " + AMQP_QUEUE_TYPE
          + "=quorum, or leave it out");
    }
    return amqp.withQueueType(type, limit);
  }

  private static Properties readFile(String location) {
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
    Set<String> unknown = new TreeSet<>(properties.stringPropertyNames());
    unknown.removeAll(KNOWN_KEYS);
    if (!unknown.isEmpty()) {
      throw new ConfigurationException("unknown configuration key" + (unknown.size() > 1 ? "s " : " ") + unknown
          + " in " + path + "; known keys are " + new TreeSet<>(KNOWN_KEYS));
    }
    return properties;
  }

  private static long parseLong(Properties file, String key) {
    String value = file.getProperty(key).trim();
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new ConfigurationException(key + " must be a whole number, was '" + value + "'");
    }
  }

  private static boolean parseBoolean(Properties file, String key) {
    String value = file.getProperty(key).trim();
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new ConfigurationException(key + " must be true or false, was '" + value + "'");
  }

  private static long port(Properties file, String key) {
    long port = parseLong(file, key);
    if (port < 0 || port > 65535) {
      throw new ConfigurationException(key + " must be 0 (none) or a port from 1 to 65535, was " + port);
    }
    return port;
  }

  private static long nonNegative(Properties file, String key) {
    long value = parseLong(file, key);
    if (value < 0) {
      throw new ConfigurationException(key + " must be 0 or more, was " + value);
    }
    return value;
  }

  private static long positive(Properties file, String key) {
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
