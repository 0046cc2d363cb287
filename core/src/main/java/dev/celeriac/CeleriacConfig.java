package dev.celeriac;

import dev.celeriac.broker.BrokerSettings;
import dev.celeriac.broker.BrokerSettingsSet;
import dev.celeriac.worker.WorkerOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * An application's configuration: the broker URL, the message size cap, eager mode, and the default worker
 * options. Immutable; build with {@link #builder()} or read with {@link Celeriac#fromEnv()}.
 */
public final class CeleriacConfig {

  /** The broker when none is configured: in-process queues. */
  public static final String DEFAULT_BROKER_URL = "memory://";
  /** The largest message an enqueue accepts: 256 KiB. */
  public static final long DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;
  /** How long a stored result lives unless configured: Celery's default {@code result_expires}. */
  public static final Duration DEFAULT_RESULT_EXPIRES = Duration.ofDays(1);

  private final String brokerUrl;
  private final boolean brokerUrlFallback;
  private final long maxMessageBytes;
  private final boolean eager;
  private final Clock clock;
  private final TaskRegistry registry;
  private final WorkerOptions worker;
  private final BrokerSettingsSet brokerSettings;
  private final int metricsPort;
  private final InstanceProvider instanceProvider;
  private final boolean taskSentEvents;
  private final String resultBackend;
  private final Duration resultExpires;

  private CeleriacConfig(Builder b) {
    this.brokerUrl = b.brokerUrl;
    this.brokerUrlFallback = b.brokerUrlFallback;
    this.maxMessageBytes = b.maxMessageBytes;
    this.eager = b.eager;
    this.clock = b.clock;
    this.registry = b.registry;
    this.worker = b.worker;
    this.brokerSettings = b.brokerSettings;
    this.metricsPort = b.metricsPort;
    this.instanceProvider = b.instanceProvider;
    this.taskSentEvents = b.taskSentEvents;
    this.resultBackend = b.resultBackend;
    this.resultExpires = b.resultExpires;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration, to change some of it. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.brokerUrl = brokerUrl;
    b.brokerUrlFallback = brokerUrlFallback;
    b.maxMessageBytes = maxMessageBytes;
    b.eager = eager;
    b.clock = clock;
    b.registry = registry;
    b.worker = worker;
    b.brokerSettings = brokerSettings;
    b.metricsPort = metricsPort;
    b.instanceProvider = instanceProvider;
    b.taskSentEvents = taskSentEvents;
    b.resultBackend = resultBackend;
    b.resultExpires = resultExpires;
    return b;
  }

  public String brokerUrl() {
    return brokerUrl;
  }

  /**
   * Whether {@link #brokerUrl()} is {@code memory://} only because the environment named no broker: {@link
   * ConfigLoader} found no flag, {@code BROKER_URL} or {@code broker.url}. Messages on it live only in this JVM, so
   * an app warns and {@code run worker} and {@code run cron} refuse it. False for a URL given in any way, {@code
   * memory://} included.
   */
  public boolean brokerUrlFallback() {
    return brokerUrlFallback;
  }

  public long maxMessageBytes() {
    return maxMessageBytes;
  }

  /** Whether enqueues run the task at once in the calling thread instead of sending it. */
  public boolean eager() {
    return eager;
  }

  public Clock clock() {
    return clock;
  }

  /** The task registry to use, or null to load every index on the class path. */
  public TaskRegistry registry() {
    return registry;
  }

  /** Defaults for workers this app starts. */
  public WorkerOptions worker() {
    return worker;
  }

  /**
   * The settings of the broker modules, by type: the Redis broker's timeouts ({@code RedisSettings.of(config)}),
   * RabbitMQ's ({@code AmqpSettings.of(config)}); a module uses its defaults for settings not set here.
   */
  public BrokerSettingsSet brokerSettings() {
    return brokerSettings;
  }

  /**
   * The port {@code run worker} and {@code run cron} serve Prometheus metrics on ({@code GET /metrics}), or 0
   * for none: the default.
   */
  public int metricsPort() {
    return metricsPort;
  }

  /**
   * What supplies the objects instance tasks run on; empty for the default, one instance per class made with
   * its no-argument constructor.
   */
  public Optional<InstanceProvider> instanceProvider() {
    return Optional.ofNullable(instanceProvider);
  }

  /**
   * Whether every enqueue also sends a {@code task-sent} event, as Celery's {@code task_send_sent_event}; off by
   * default, as in Celery.
   */
  public boolean taskSentEvents() {
    return taskSentEvents;
  }

  /**
   * The result backend's URL ({@code redis://}, {@code rediss://}, {@code sentinel://}, {@code rpc://},
   * {@code memory://}), or empty: no results are stored, as Celery without {@code result_backend}. An eager app
   * keeps results in memory whatever this says.
   */
  public Optional<String> resultBackend() {
    return Optional.ofNullable(resultBackend);
  }

  /** How long a stored result lives: Celery's {@code result_expires}, 1 day by default. */
  public Duration resultExpires() {
    return resultExpires;
  }

  /** Builds {@link CeleriacConfig}. */
  public static final class Builder {
    private String brokerUrl = DEFAULT_BROKER_URL;
    private boolean brokerUrlFallback;
    private long maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private boolean eager;
    private Clock clock = Clock.systemUTC();
    private TaskRegistry registry;
    private WorkerOptions worker = WorkerOptions.builder().build();
    private BrokerSettingsSet brokerSettings = BrokerSettingsSet.EMPTY;
    private int metricsPort;
    private InstanceProvider instanceProvider;
    private boolean taskSentEvents;
    private String resultBackend;
    private Duration resultExpires = DEFAULT_RESULT_EXPIRES;

    private Builder() {}

    /** The result backend's URL; null or blank for none. */
    public Builder resultBackend(String url) {
      this.resultBackend = url == null || url.isBlank() ? null : url.trim();
      return this;
    }

    /** How long stored results live; must be positive. */
    public Builder resultExpires(Duration expires) {
      if (expires.isNegative() || expires.isZero()) {
        throw new IllegalArgumentException("result expiry must be positive: " + expires);
      }
      this.resultExpires = expires;
      return this;
    }

    public Builder brokerUrl(String brokerUrl) {
      this.brokerUrl = Objects.requireNonNull(brokerUrl);
      this.brokerUrlFallback = false;
      return this;
    }

    /** {@code memory://} as the last resort of {@link ConfigLoader}, which found no broker named anywhere. */
    Builder brokerUrlFallback() {
      this.brokerUrl = DEFAULT_BROKER_URL;
      this.brokerUrlFallback = true;
      return this;
    }

    public Builder maxMessageBytes(long maxMessageBytes) {
      if (maxMessageBytes < 1) {
        throw new ConfigurationException("message.max-bytes must be positive, was " + maxMessageBytes);
      }
      this.maxMessageBytes = maxMessageBytes;
      return this;
    }

    /**
     * Runs every enqueue at once in the calling thread, through the same encoding, for users' tests:
     * retries run immediately, delays and countdowns are ignored, and a task that fails for good, or a
     * message that would be dead-lettered, throws {@link EagerTaskException} to the caller.
     */
    public Builder eager(boolean eager) {
      this.eager = eager;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** Uses exactly these tasks instead of loading the task indexes on the class path. */
    public Builder registry(TaskRegistry registry) {
      this.registry = Objects.requireNonNull(registry);
      return this;
    }

    public Builder worker(WorkerOptions worker) {
      this.worker = Objects.requireNonNull(worker);
      return this;
    }

    /**
     * Sets a broker module's settings, {@code RedisSettings} or {@code AmqpSettings} for example, in place of any
     * of the same type.
     */
    public Builder brokerSettings(BrokerSettings settings) {
      this.brokerSettings = brokerSettings.with(settings);
      return this;
    }

    /**
     * The same as {@link #brokerSettings(BrokerSettings)}, under the name it had before the brokers became modules
     * of their own, so that {@code .redis(RedisSettings.defaults()...)} still compiles.
     *
     * @deprecated use {@link #brokerSettings(BrokerSettings)}
     */
    @Deprecated
    // Not @InlineMe: that would put Error Prone's annotations on the API's class path and make the method final.
    @SuppressWarnings("InlineMeSuggester")
    public Builder redis(BrokerSettings redisSettings) {
      return brokerSettings(redisSettings);
    }

    /**
     * The same as {@link #brokerSettings(BrokerSettings)}, under the name it had before the brokers became modules
     * of their own, so that {@code .amqp(AmqpSettings.defaults()...)} still compiles.
     *
     * @deprecated use {@link #brokerSettings(BrokerSettings)}
     */
    @Deprecated
    // Not @InlineMe: that would put Error Prone's annotations on the API's class path and make the method final.
    @SuppressWarnings("InlineMeSuggester")
    public Builder amqp(BrokerSettings amqpSettings) {
      return brokerSettings(amqpSettings);
    }

    /** Sets every broker module's settings at once. */
    public Builder brokerSettings(BrokerSettingsSet settings) {
      this.brokerSettings = Objects.requireNonNull(settings);
      return this;
    }

    /** Serves metrics on this port from {@code run worker} and {@code run cron}; 0 for none. */
    public Builder metricsPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("metrics port must be 0 (none) or 1-65535, was " + port);
      }
      this.metricsPort = port;
      return this;
    }

    /**
     * Gets the objects instance tasks run on from {@code provider}, a dependency-injection container for
     * example, instead of making one per class with its no-argument constructor.
     */
    public Builder instanceProvider(InstanceProvider provider) {
      this.instanceProvider = Objects.requireNonNull(provider);
      return this;
    }

    /** Sends a {@code task-sent} event for every enqueue ({@code events.task-sent}). */
    public Builder taskSentEvents(boolean taskSentEvents) {
      this.taskSentEvents = taskSentEvents;
      return this;
    }

    public CeleriacConfig build() {
      return new CeleriacConfig(this);
    }
  }
}
