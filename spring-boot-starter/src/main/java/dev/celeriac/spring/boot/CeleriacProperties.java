package dev.celeriac.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code celeriac.*} properties of {@code application.properties} or YAML. The broker and the worker's options
 * start from what {@code Celeriac.fromEnv()} reads ({@code BROKER_URL}, the file {@code CELERIAC_CONF} names) and
 * these override it.
 */
@ConfigurationProperties(prefix = "celeriac")
public class CeleriacProperties {

  /**
   * The broker: redis://, rediss://, sentinel://, amqp://, amqps:// or memory://. Unset: BROKER_URL, then
   * broker.url in the file CELERIAC_CONF names, then memory:// with a warning (its messages live only in this JVM).
   */
  private String brokerUrl;

  /**
   * Where task results are stored (redis://, rediss://, sentinel:// or memory://). Unset: RESULT_BACKEND, then
   * result.backend in the file CELERIAC_CONF names; none: results are not stored. An eager app keeps them in memory.
   */
  private String resultBackend;

  /**
   * Runs every enqueue at once in the calling thread, for tests: the app connects to no broker, and no worker or
   * cron starts.
   */
  private boolean eager;

  private final Worker worker = new Worker();

  private final Cron cron = new Cron();

  public String getBrokerUrl() {
    return brokerUrl;
  }

  public void setBrokerUrl(String brokerUrl) {
    this.brokerUrl = brokerUrl;
  }

  public String getResultBackend() {
    return resultBackend;
  }

  public void setResultBackend(String resultBackend) {
    this.resultBackend = resultBackend;
  }

  public boolean isEager() {
    return eager;
  }

  public void setEager(boolean eager) {
    this.eager = eager;
  }

  public Worker getWorker() {
    return worker;
  }

  public Cron getCron() {
    return cron;
  }

  /** {@code celeriac.worker.*}: the worker this application runs. */
  public static class Worker {

    /** Runs a worker in this application, started once it is ready and stopped gracefully when it closes. */
    private boolean enabled;

    /** Queues to consume; empty: every queue of the tasks implemented on the class path. */
    private List<String> queues = new ArrayList<>();

    /** Tasks run at once; unset: worker.concurrency from CELERIAC_CONF's file, else the number of processors. */
    private Integer concurrency;

    /**
     * Messages held fetched ahead, at least one per slot; unset or 0: automatic, about a second of work, from one
     * per slot for long tasks up to 512.
     */
    private Integer prefetch;

    /**
     * The worker's node name in the Celery fleet, as Celery's -n (%h, %n, %d, %i expand); unset: celeriac@%h.
     */
    private String hostname;

    /**
     * How long a graceful stop waits for running tasks before interrupting them; unset: worker.shutdown-timeout-seconds
     * from CELERIAC_CONF's file, else 30 seconds.
     */
    private Duration shutdownTimeout;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public List<String> getQueues() {
      return queues;
    }

    public void setQueues(List<String> queues) {
      this.queues = queues;
    }

    public Integer getConcurrency() {
      return concurrency;
    }

    public void setConcurrency(Integer concurrency) {
      this.concurrency = concurrency;
    }

    public Integer getPrefetch() {
      return prefetch;
    }

    public void setPrefetch(Integer prefetch) {
      this.prefetch = prefetch;
    }

    public String getHostname() {
      return hostname;
    }

    public void setHostname(String hostname) {
      this.hostname = hostname;
    }

    public Duration getShutdownTimeout() {
      return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = shutdownTimeout;
    }
  }

  /** {@code celeriac.cron.*}: firing the {@code @Periodic} tasks from this application. */
  public static class Cron {

    /**
     * Fires the @Periodic tasks from this application, as run cron does; any number of applications and cron
     * processes may, each slot fires once.
     */
    private boolean enabled;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }
}
