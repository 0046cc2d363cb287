package dev.celeriac.broker.eager;

import dev.celeriac.EagerTaskException;
import dev.celeriac.TaskContext;
import dev.celeriac.TaskRegistry;
import dev.celeriac.broker.Broker;
import dev.celeriac.broker.DeadLetterStore;
import dev.celeriac.broker.Delivery;
import dev.celeriac.broker.FleetSupport;
import dev.celeriac.broker.QueueStats;
import dev.celeriac.internal.CurrentTask;
import dev.celeriac.internal.TaskInstances;
import dev.celeriac.protocol.Ids;
import dev.celeriac.protocol.KombuEnvelope;
import dev.celeriac.protocol.TaskMessage;
import dev.celeriac.result.ResultBackend;
import dev.celeriac.result.ResultMeta;
import dev.celeriac.worker.FollowUps;
import dev.celeriac.worker.Outcome;
import dev.celeriac.worker.TaskExecutor;
import dev.celeriac.worker.WorkerListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * The broker of an eager app ({@code Celeriac.eager()}, {@code CeleriacConfig.Builder#eager}): a publish runs the
 * message at once in the publishing thread, through the worker's own executor, encoded to the broker envelope and
 * decoded again, so that eager tests see what a worker sees. Retries run at once; delays (etas, countdowns) are
 * ignored. A message that a worker would dead-letter fails the publish with {@link EagerTaskException}.
 *
 * <p>Every other role (fetching, queue administration, the cron lock, the fleet) is the broker it wraps: an eager app
 * publishes nothing there, so it has nothing to fetch.
 */
public final class EagerBroker implements Broker {

  private final Broker wrapped;
  private final TaskRegistry registry;
  private final Clock clock;
  private final TaskInstances instances;
  private final ResultBackend results;
  private final FollowUps followUps;
  private volatile ScheduledExecutorService timer;

  /**
   * @param wrapped the broker for every role but publishing; closed with this one
   * @param results where runs store their results, or null
   * @param followUps how a run sends its callbacks, chain steps and chord bodies: back through this broker
   */
  public EagerBroker(Broker wrapped, TaskRegistry registry, Clock clock, TaskInstances instances,
      ResultBackend results, FollowUps followUps) {
    this.wrapped = wrapped;
    this.registry = registry;
    this.clock = clock;
    this.instances = instances;
    this.results = results;
    this.followUps = followUps;
  }

  /** Runs the message now; see the class comment. */
  @Override
  public void publish(String queue, TaskMessage message) {
    runEagerly(queue, message);
  }

  /** Runs each message now, in order. */
  @Override
  public void publishAll(List<Outgoing> messages) {
    for (Outgoing outgoing : messages) {
      runEagerly(outgoing.queue(), outgoing.message());
    }
  }

  /**
   * Runs the message through the worker's own executor in this thread: encoded to the broker envelope and
   * decoded again, so eager tests see what a worker sees. Retries run at once; delays are ignored.
   */
  private void runEagerly(String queue, TaskMessage message) {
    // The running task's children, as the app records what it sends; not a follow-up another eager task sends here.
    TaskContext running = CurrentTask.get();
    if (running != null && running.id().equals(message.parentId())) {
      CurrentTask.sent(ResultMeta.taskTuple(message.id()));
    }
    Throwable[] lastFailure = new Throwable[1];
    WorkerListener failures = new WorkerListener() {
      @Override
      public void taskFailed(TaskContext task, Throwable cause) {
        lastFailure[0] = cause;
      }
    };
    TaskExecutor executor = TaskExecutor.eager(registry, clock, failures, timer(), instances, results)
        .sendingFollowUps(followUps);
    TaskMessage next = withoutEta(message);
    while (next != null) {
      EagerDelivery delivery = new EagerDelivery(queue, KombuEnvelope.encode(next, queue, Ids.uuid()));
      Outcome outcome = executor.execute(delivery);
      if (outcome == Outcome.DEAD_LETTERED) {
        throw new EagerTaskException(delivery.deadReason, lastFailure[0]);
      }
      next = outcome == Outcome.RETRIED ? withoutEta(delivery.retryMessage) : null;
    }
  }

  /** The timer of time limits, started with the first run. */
  private ScheduledExecutorService timer() {
    ScheduledExecutorService started = timer;
    if (started == null) {
      synchronized (this) {
        if (timer == null) {
          timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "celeriac-eager-time-limits");
            thread.setDaemon(true);
            return thread;
          });
        }
        started = timer;
      }
    }
    return started;
  }

  private static TaskMessage withoutEta(TaskMessage message) {
    Map<String, Object> change = new HashMap<>();
    change.put("eta", null);
    return message.withHeaders(change);
  }

  @Override
  public SlotOutcome publishSlot(String schedule, Instant slot, Instant firstSlotFrom, String queue,
      TaskMessage message) {
    return wrapped.publishSlot(schedule, slot, firstSlotFrom, queue, message);
  }

  @Override
  public List<Delivery> fetch(List<String> queues, int max, Duration wait) throws InterruptedException {
    return wrapped.fetch(queues, max, wait);
  }

  @Override
  public List<Delivery> fetch(List<String> queues, int max, Duration wait, Consumer<Delivery> direct)
      throws InterruptedException {
    return wrapped.fetch(queues, max, wait, direct);
  }

  @Override
  public void prefetch(List<String> queues, int messages) {
    wrapped.prefetch(queues, messages);
  }

  @Override
  public void stopConsuming(List<String> queues) {
    wrapped.stopConsuming(queues);
  }

  @Override
  public DeadLetterStore deadLetters() {
    return wrapped.deadLetters();
  }

  @Override
  public QueueStats stats(String queue) {
    return wrapped.stats(queue);
  }

  @Override
  public Set<String> queueNames() {
    return wrapped.queueNames();
  }

  @Override
  public long purge(String queue) {
    return wrapped.purge(queue);
  }

  @Override
  public String displayUrl() {
    return wrapped.displayUrl();
  }

  @Override
  public void ping() {
    wrapped.ping();
  }

  @Override
  public Optional<FleetSupport> fleet() {
    return wrapped.fleet();
  }

  /** Closes the wrapped broker, then stops the timer of time limits. */
  @Override
  public void close() {
    wrapped.close();
    ScheduledExecutorService started = timer;
    if (started != null) {
      started.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "EagerBroker[" + wrapped.displayUrl() + "]";
  }

  /** The delivery of an eager run: settles into fields instead of a broker. */
  private static final class EagerDelivery implements Delivery {
    private final String queue;
    private final byte[] envelope;
    String deadReason;
    TaskMessage retryMessage;

    EagerDelivery(String queue, byte[] envelope) {
      this.queue = queue;
      this.envelope = envelope;
    }

    @Override
    public String queue() {
      return queue;
    }

    @Override
    public byte[] raw() {
      return envelope.clone();
    }

    @Override
    public TaskMessage message() {
      return KombuEnvelope.decode(envelope).message();
    }

    @Override
    public void ack() {}

    @Override
    public void retry(TaskMessage next) {
      retryMessage = next;
    }

    @Override
    public void defer(Instant eta) {
      throw new IllegalStateException("eager messages carry no eta");
    }

    @Override
    public void deadLetter(String reason) {
      deadReason = reason;
    }

    @Override
    public void requeue() {
      throw new IllegalStateException("eager runs are never requeued");
    }
  }
}
