package dev.celeriac.worker;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a worker runs: which queues it consumes, how many tasks run at once, how many messages it holds
 * fetched ahead, and how long a graceful stop waits for running tasks. Immutable; build with
 * {@link #builder()}.
 */
public final class WorkerOptions {

  /**
   * Messages held per execution slot by the automatic prefetch until it has measured the tasks, as Celery's
   * {@code worker_prefetch_multiplier}.
   */
  public static final int DEFAULT_PREFETCH_MULTIPLIER = 4;
  /** How long a graceful stop waits for running tasks before interrupting them. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
  /** How long one fetch waits for messages before the worker checks whether it should stop. */
  public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofSeconds(1);

  private final List<String> queues;
  private final int concurrency;
  private final int prefetch;
  private final Duration shutdownTimeout;
  private final Duration pollTimeout;
  private final WorkerListener listener;

  private WorkerOptions(Builder b) {
    this.queues = List.copyOf(b.queues);
    this.concurrency = b.concurrency;
    // Fewer than one message per slot would leave slots idle.
    this.prefetch = b.prefetch > 0 ? Math.max(b.prefetch, b.concurrency) : 0;
    this.shutdownTimeout = b.shutdownTimeout;
    this.pollTimeout = b.pollTimeout;
    this.listener = b.listener;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options, to change some of them. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.queues = queues;
    b.concurrency = concurrency;
    b.prefetch = prefetch;
    b.shutdownTimeout = shutdownTimeout;
    b.pollTimeout = pollTimeout;
    b.listener = listener;
    return b;
  }

  /** The queues to consume; empty means every queue a task implemented in this JVM declares. */
  public List<String> queues() {
    return queues;
  }

  /** How many tasks run at once. */
  public int concurrency() {
    return concurrency;
  }

  /**
   * How many messages the worker holds fetched but unfinished, running ones included, at least one per slot;
   * 0 (the default) when the worker sizes that window itself: about a second of work, from one message per
   * slot for long tasks up to 512 for short ones.
   */
  public int prefetch() {
    return prefetch;
  }

  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  public Duration pollTimeout() {
    return pollTimeout;
  }

  public WorkerListener listener() {
    return listener;
  }

  /** Builds {@link WorkerOptions}. */
  public static final class Builder {
    private List<String> queues = List.of();
    private int concurrency = Math.max(1, Runtime.getRuntime().availableProcessors());
    private int prefetch;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private Duration pollTimeout = DEFAULT_POLL_TIMEOUT;
    private WorkerListener listener = WorkerListener.NONE;

    private Builder() {}

    public Builder queues(List<String> queues) {
      for (String queue : queues) {
        if (queue == null || queue.isBlank()) {
          throw new IllegalArgumentException("queue names must not be blank: " + queues);
        }
      }
      this.queues = List.copyOf(queues);
      return this;
    }

    public Builder concurrency(int concurrency) {
      if (concurrency < 1) {
        throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
      }
      this.concurrency = concurrency;
      return this;
    }

    /**
     * Messages held ahead, at least one per slot; 0 (the default) lets the worker size the window to about a
     * second of work, whatever the concurrency ends up being.
     */
    public Builder prefetch(int prefetch) {
      if (prefetch < 0) {
        throw new IllegalArgumentException("prefetch must not be negative, was " + prefetch);
      }
      this.prefetch = prefetch;
      return this;
    }

    public Builder shutdownTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("shutdown timeout must not be negative");
      }
      this.shutdownTimeout = timeout;
      return this;
    }

    public Builder pollTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("poll timeout must be positive");
      }
      this.pollTimeout = timeout;
      return this;
    }

    public Builder listener(WorkerListener listener) {
      this.listener = Objects.requireNonNull(listener);
      return this;
    }

    public WorkerOptions build() {
      return new WorkerOptions(this);
    }
  }
}
