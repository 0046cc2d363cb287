package dev.celeriac.worker;

import dev.celeriac.rules.Names;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a worker runs: which queues it consumes, how many tasks run at once, how many messages it holds
 * fetched ahead, how long a graceful stop waits for running tasks, and how it takes part in a Celery fleet
 * (its node name, events, remote control, revokes). Immutable; build with {@link #builder()}.
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
  private final String hostname;
  private final boolean taskEvents;
  private final boolean heartbeat;
  private final boolean remoteControl;
  private final boolean mingle;
  private final Duration revokeExpires;

  private WorkerOptions(Builder b) {
    this.queues = List.copyOf(b.queues);
    this.concurrency = b.concurrency;
    // Fewer than one message per slot would leave slots idle.
    this.prefetch = b.prefetch > 0 ? Math.max(b.prefetch, b.concurrency) : 0;
    this.shutdownTimeout = b.shutdownTimeout;
    this.pollTimeout = b.pollTimeout;
    this.listener = b.listener;
    this.hostname = b.hostname != null ? b.hostname : NodeNames.expand(NodeNames.DEFAULT);
    this.taskEvents = b.taskEvents;
    this.heartbeat = b.heartbeat;
    this.remoteControl = b.remoteControl;
    this.mingle = b.mingle;
    this.revokeExpires = b.revokeExpires;
  }

  /**
   * {@code queues}, unmodifiable, when each is a queue name as {@link Names#isQueueName} says, the rule the processor
   * applies to {@code @Task(queue = ...)}.
   *
   * @throws IllegalArgumentException naming the first that is not
   */
  static List<String> checkedQueues(List<String> queues) {
    for (String queue : queues) {
      if (queue == null || !Names.isQueueName(queue)) {
        throw new IllegalArgumentException("queue '" + queue + "' of " + queues + " is not a queue name: it must not"
            + " be blank or contain white space");
      }
    }
    return List.copyOf(queues);
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
    b.hostname = hostname;
    b.taskEvents = taskEvents;
    b.heartbeat = heartbeat;
    b.remoteControl = remoteControl;
    b.mingle = mingle;
    b.revokeExpires = revokeExpires;
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

  /** The worker's node name in the fleet, as {@code inspect} and events show it: {@code celeriac@<host>} by default. */
  public String hostname() {
    return hostname;
  }

  /** Whether the worker sends task events from the start, as Celery's {@code -E}; {@code enable_events} turns them on later. */
  public boolean taskEvents() {
    return taskEvents;
  }

  /** Whether the worker sends {@code worker-online}, a {@code worker-heartbeat} every two seconds and {@code worker-offline}. */
  public boolean heartbeat() {
    return heartbeat;
  }

  /** Whether the worker answers remote control ({@code inspect}, {@code control}) and takes revokes. */
  public boolean remoteControl() {
    return remoteControl;
  }

  /** Whether the worker asks its peers for their revoked ids and clock when it starts (Celery's mingle). */
  public boolean mingle() {
    return mingle;
  }

  /** How long a revoked id stays revoked: Celery's three hours by default. */
  public Duration revokeExpires() {
    return revokeExpires;
  }

  /** Builds {@link WorkerOptions}. */
  public static final class Builder {
    private List<String> queues = List.of();
    private int concurrency = Math.max(1, Runtime.getRuntime().availableProcessors());
    private int prefetch;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private Duration pollTimeout = DEFAULT_POLL_TIMEOUT;
    private WorkerListener listener = WorkerListener.NONE;
    private String hostname;
    private boolean taskEvents;
    private boolean heartbeat = true;
    private boolean remoteControl = true;
    private boolean mingle = true;
    private Duration revokeExpires = RevokedTasks.DEFAULT_EXPIRES;

    private Builder() {}

    public Builder queues(List<String> queues) {
      this.queues = checkedQueues(queues);
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

    /**
     * The node name, as Celery's {@code -n}: {@code name@host}, a host alone (then {@code celeriac@host}), with
     * {@code %h}, {@code %n}, {@code %d}, {@code %i} and {@code %I} expanded (see {@link NodeNames}).
     */
    public Builder hostname(String hostname) {
      this.hostname = NodeNames.expand(hostname);
      return this;
    }

    public Builder taskEvents(boolean taskEvents) {
      this.taskEvents = taskEvents;
      return this;
    }

    public Builder heartbeat(boolean heartbeat) {
      this.heartbeat = heartbeat;
      return this;
    }

    public Builder remoteControl(boolean remoteControl) {
      this.remoteControl = remoteControl;
      return this;
    }

    public Builder mingle(boolean mingle) {
      this.mingle = mingle;
      return this;
    }

    public Builder revokeExpires(Duration expires) {
      if (expires.isNegative() || expires.isZero()) {
        throw new IllegalArgumentException("revoke expiry must be positive, was " + expires.toSeconds() + " s");
      }
      this.revokeExpires = expires;
      return this;
    }

    public WorkerOptions build() {
      return new WorkerOptions(this);
    }
  }
}
