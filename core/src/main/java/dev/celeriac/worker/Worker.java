package dev.celeriac.worker;

import dev.celeriac.ConfigurationException;
import dev.celeriac.TaskRegistry;
import dev.celeriac.broker.BrokerException;
import dev.celeriac.broker.Delivery;
import dev.celeriac.broker.MessageConsumer;
import dev.celeriac.canvas.CanvasApplier;
import dev.celeriac.canvas.ChordStore;
import dev.celeriac.internal.TaskInstances;
import dev.celeriac.result.ResultBackend;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes queues and runs tasks: one fetch thread keeps a window of messages on hand, fetched in batches
 * (see {@link PrefetchWindow}), and {@code concurrency} slot threads run them. Messages are acked only after
 * their task finished (at least once). {@link #stop()} is graceful: fetching stops, running tasks finish within the
 * shutdown timeout, and messages fetched but not started go back to their queue at once.
 *
 * <p>On a broker with Celery's events and remote control ({@link BrokerRoles#fleet()}), the worker is a member of the
 * Celery fleet under its node name: it sends Celery's worker and task events, answers {@code inspect} and
 * {@code control}, and discards revoked tasks (see {@link FleetMember}). Remote control may change its queues and
 * concurrency while it runs.
 */
public final class Worker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Worker.class);
  private static final Duration MAX_FETCH_BACKOFF = Duration.ofSeconds(30);

  /** The app's result backend, or null. */
  private final ResultBackend results;
  private final MessageConsumer consumer;
  private final String brokerUrl;
  private final TaskRegistry registry;
  /** The queues of the tasks this worker can run. */
  private final List<String> implementedQueues;
  private final WorkerOptions options;
  private final TaskExecutor executor;
  private final ScheduledExecutorService timer;
  private final BlockingQueue<Delivery> buffer = new LinkedBlockingQueue<>();
  /** How many messages the broker handed to the buffer during the current fetch, from its own thread. */
  private final AtomicInteger handedDirectly = new AtomicInteger();
  private final PrefetchWindow window;
  private final Map<Outcome, AtomicLong> outcomes = new EnumMap<>(Outcome.class);
  private final List<Thread> slots = new CopyOnWriteArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final WorkerState state;
  private final FleetMember fleet;
  /** The queues consumed now; changed only by the fetch thread, from {@link #nextQueues}. */
  private volatile List<String> queues;
  /** Queues asked for by remote control, taken up by the fetch thread before its next fetch. */
  private final AtomicReference<List<String>> nextQueues = new AtomicReference<>();
  /** Slots running or starting now. Guarded by this. */
  private int concurrency;
  /** Slots asked to end after their current task by a shrink. */
  private final AtomicInteger retiring = new AtomicInteger();
  private volatile Instant startedAt;
  private volatile boolean running;
  private volatile boolean aborting;
  private volatile boolean fetcherDone;
  private volatile Throwable fatal;
  private Thread fetcher;

  /**
   * A worker on {@code broker} for the tasks of {@code registry}, whose instance tasks run on instances of its
   * own, made with their no-argument constructors; call {@link #start()} to run it.
   *
   * @throws ConfigurationException when {@code registry} implements no task: such a worker would dead-letter every
   *     message it takes (the processor left out of the build leaves no task index)
   */
  public Worker(BrokerRoles broker, TaskRegistry registry, WorkerOptions options, Clock clock) {
    this(broker, registry, options, clock, TaskInstances.constructed());
  }

  /** A worker whose instance tasks run on {@code instances}, its app's. */
  public Worker(BrokerRoles broker, TaskRegistry registry, WorkerOptions options, Clock clock,
      TaskInstances instances) {
    this(broker, registry, options, clock, instances, null);
  }

  /** A worker whose instance tasks run on {@code instances}, storing results in {@code results} (null: none). */
  public Worker(BrokerRoles broker, TaskRegistry registry, WorkerOptions options, Clock clock, TaskInstances instances,
      ResultBackend results) {
    this(broker, registry, options, clock, instances, results, null);
  }

  /**
   * A worker whose instance tasks run on {@code instances}, storing results in {@code results} (null: none), whose
   * chord header tasks count in {@code chords}, the result backend's chord join (null: none; chords then never
   * complete, as on a Celery worker without a backend).
   */
  public Worker(BrokerRoles broker, TaskRegistry registry, WorkerOptions options, Clock clock, TaskInstances instances,
      ResultBackend results, ChordStore chords) {
    this.results = results;
    this.consumer = broker.consumer();
    this.brokerUrl = broker.displayUrl();
    this.registry = registry;
    this.options = options;
    this.implementedQueues = implementedQueues(registry);
    this.queues = options.queues().isEmpty() ? implementedQueues : options.queues();
    this.concurrency = options.concurrency();
    this.window = PrefetchWindow.of(options);
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("celeriac-time-limits"));
    this.state = new WorkerState(options.revokeExpires());
    this.fleet = broker.fleet().map(support -> new FleetMember(support, this, options, state, clock)).orElse(null);
    this.executor = new TaskExecutor(registry, clock, options.listener(),
        fleet != null ? fleet.taskEvents() : WorkerListener.NONE, timer, () -> aborting, state, instances,
        results == null ? null : new ResultRecorder(results, clock, options.hostname()))
        .sendingFollowUps(new FollowUps(
            CanvasApplier.forRegistry(broker.publisher()::publish, registry, chords, clock), chords));
    for (Outcome outcome : Outcome.values()) {
      outcomes.put(outcome, new AtomicLong());
    }
  }

  /** The queues this worker consumes. */
  public List<String> queues() {
    return queues;
  }

  /** The worker's node name in the fleet. */
  public String hostname() {
    return options.hostname();
  }

  /** Its revoked ids, running and parked tasks, and counts. */
  public WorkerState state() {
    return state;
  }

  /** The tasks this worker can run. */
  public TaskRegistry registry() {
    return registry;
  }

  /** The URL of the broker it consumes from, with any password masked. */
  public String brokerUrl() {
    return brokerUrl;
  }

  /** The options it was made with; the queues and concurrency may have changed since (see {@link #queues()}). */
  public WorkerOptions options() {
    return options;
  }

  /** How many tasks run at once. */
  public synchronized int concurrency() {
    return concurrency;
  }

  /** How many messages the worker holds at most, fetched and unfinished. */
  public int prefetchCount() {
    return window.size();
  }

  /** When it started, or null before. */
  public Instant startedAt() {
    return startedAt;
  }

  /** Starts fetching and running. Returns at once. */
  public synchronized Worker start() {
    if (fetcher != null) {
      throw new IllegalStateException("worker already started");
    }
    if (fleet != null) {
      // Revokes from the broker's store and from peers are in before the first message is fetched.
      fleet.start();
    }
    running = true;
    List<String> foreign = queues.stream().filter(queue -> !implementedQueues.contains(queue)).toList();
    if (!foreign.isEmpty()) {
      // Not an error: a producer may send a task to any queue. But a typo in -Q, or a queue of Python's tasks,
      // dead-letters what arrives there.
      log.warn("No task implemented on this class path uses queues {}: their messages run here only if they name a"
          + " task implemented here, and are dead-lettered otherwise", foreign);
    }
    startedAt = Instant.now();
    consumer.prefetch(queues, window.size());
    fetcher = new Thread(this::fetchLoop, "celeriac-fetch");
    fetcher.start();
    for (int i = 1; i <= concurrency; i++) {
      startSlot(i);
    }
    log.info("Worker consuming {} from {} with {} slots, prefetch {}, as {}", queues, brokerUrl,
        concurrency, window.automatic() ? "automatic (" + window.size() + " to start)" : window.size(),
        options.hostname());
    return this;
  }

  private void startSlot(int number) {
    Thread slot = new Thread(this::slotLoop, "celeriac-worker-" + number);
    slots.add(slot);
    slot.start();
  }

  /**
   * Runs {@code concurrency} tasks at once from now on: new slots start at once, and surplus ones end after
   * their current task (remote control's {@code pool_grow} and {@code pool_shrink}).
   */
  public synchronized void resize(int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
    }
    if (!running) {
      throw new IllegalStateException("the worker is not running");
    }
    int change = concurrency - this.concurrency;
    for (int i = 0; i < change; i++) {
      // A slot asked to retire that has not yet done so stays instead of a new one starting.
      int pending = retiring.get();
      if (pending > 0 && retiring.compareAndSet(pending, pending - 1)) {
        continue;
      }
      startSlot(slots.size() + 1);
    }
    if (change < 0) {
      retiring.addAndGet(-change);
    }
    this.concurrency = concurrency;
    window.concurrency(concurrency);
    log.info("Worker {} now runs {} tasks at once", options.hostname(), concurrency);
  }

  /**
   * Consumes {@code queues} from the next fetch on, within a poll interval (remote control's {@code add_consumer}
   * and {@code cancel_consumer}); messages fetched from a queue no longer consumed still run.
   */
  public void consume(List<String> queues) {
    nextQueues.set(WorkerOptions.checkedQueues(queues));
  }

  /** The queues asked for last: those consumed, or those the next fetch will consume. */
  public List<String> wantedQueues() {
    List<String> next = nextQueues.get();
    return next != null ? next : queues;
  }

  /** Messages fetched and not yet started, for {@code inspect reserved}. */
  List<Delivery> reserved() {
    return new ArrayList<>(buffer);
  }

  /** How many messages ended with {@code outcome} so far. */
  public long count(Outcome outcome) {
    return outcomes.get(outcome).get();
  }

  /** Stops gracefully within the configured shutdown timeout. */
  public void stop() {
    stop(options.shutdownTimeout());
  }

  /**
   * Stops fetching, returns unstarted messages to their queue, and waits up to {@code timeout} for running
   * tasks; tasks still running then are interrupted and, if they end by that interruption, returned to
   * their queue. Returns whether every slot ended.
   */
  public boolean stop(Duration timeout) {
    synchronized (this) {
      if (fetcher == null || !running) {
        return awaitQuietly(Duration.ZERO);
      }
      running = false;
    }
    fetcher.interrupt();
    join(fetcher, options.pollTimeout().plusSeconds(5));
    // Fetched but unstarted messages go back now, not after the running tasks finish; so do those a pushing
    // broker (RabbitMQ) has sent but the fetcher not taken.
    returnBuffered();
    stopConsuming();
    boolean clean = joinAll(timeout);
    if (!clean) {
      aborting = true;
      log.warn("Tasks still running after {} s; interrupting them", timeout.toSeconds());
      slots.forEach(Thread::interrupt);
      clean = joinAll(Duration.ofSeconds(5));
    }
    if (results != null) {
      // Results still being stored are acked once stored: let that happen before the broker goes.
      try {
        results.flush(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    returnBuffered();
    if (fleet != null) {
      fleet.stop();
    }
    timer.shutdownNow();
    stopped.countDown();
    log.info("Worker stopped: {}", outcomes);
    return clean;
  }

  /** The fatal error that stopped the worker, or null if it was stopped normally or still runs. */
  public Throwable fatalError() {
    return fatal;
  }

  private void stopAfterFatal(Throwable error) {
    fatal = error;
    log.error("Fatal error in a worker slot; stopping the worker", error);
    Thread stopper = new Thread(this::stop, "celeriac-fatal-stop");
    stopper.setDaemon(true);
    stopper.start();
  }

  /** Blocks until the worker has stopped. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  @Override
  public void close() {
    stop();
  }

  private void fetchLoop() {
    Duration backoff = Duration.ofMillis(100);
    try {
      while (running) {
        takeUpNextQueues();
        int resized = window.resize();
        if (resized > 0) {
          log.debug("Prefetch window now {} messages", resized);
          consumer.prefetch(queues, resized);
        }
        if (queues.isEmpty()) {
          // Remote control cancelled every queue: wait for one to be added.
          Thread.sleep(options.pollTimeout().toMillis());
          continue;
        }
        int wanted = window.reserve();
        List<Delivery> fetched;
        handedDirectly.set(0);
        try {
          // A message the broker hands to a slot while this waits goes straight to the buffer (see the overload).
          fetched = consumer.fetch(queues, wanted, options.pollTimeout(), this::handDirectly);
          backoff = Duration.ofMillis(100);
        } catch (RuntimeException e) {
          window.release(wanted - handedDirectly.get());
          // A broker restart or a network cut: part of a worker's life, retried for as long as it lasts. One line
          // per attempt, the trace at debug: a trace per attempt would bury the log for the length of an outage.
          String reason = e instanceof BrokerException ? e.getMessage()
              : "fetching from " + brokerUrl + " failed: " + e;
          log.warn("{}; trying again in {} ms", reason, backoff.toMillis());
          log.debug("The fetch failure", e);
          Thread.sleep(backoff.toMillis());
          backoff = backoff.multipliedBy(2).compareTo(MAX_FETCH_BACKOFF) > 0 ? MAX_FETCH_BACKOFF : backoff.multipliedBy(2);
          continue;
        }
        window.release(wanted - handedDirectly.get() - fetched.size());
        buffer.addAll(fetched);
      }
    } catch (InterruptedException e) {
      // stop() interrupts the fetch; whatever was fetched is in the buffer and goes back from there.
    } finally {
      fetcherDone = true;
    }
  }

  /**
   * Takes a message a broker hands over during {@link #fetchLoop}'s fetch, on the broker's thread: into the buffer,
   * where an idle slot takes it at once, counted against that fetch's reservation.
   */
  private void handDirectly(Delivery delivery) {
    handedDirectly.incrementAndGet();
    buffer.add(delivery);
  }

  /** Switches to the queues remote control asked for: the broker stops pushing the old ones first. */
  private void takeUpNextQueues() {
    List<String> next = nextQueues.getAndSet(null);
    if (next == null || next.equals(queues)) {
      return;
    }
    stopConsuming();
    queues = next;
    if (!next.isEmpty()) {
      consumer.prefetch(next, window.size());
    }
    log.info("Worker {} now consumes {}", options.hostname(), next);
  }

  /** Whether this slot should end because the pool shrank; claims one retirement if so. */
  private boolean retire() {
    for (int pending = retiring.get(); pending > 0; pending = retiring.get()) {
      if (retiring.compareAndSet(pending, pending - 1)) {
        return true;
      }
    }
    return false;
  }

  private void slotLoop() {
    while (true) {
      if (retire()) {
        return;
      }
      Delivery delivery;
      try {
        delivery = buffer.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        if (aborting) {
          return;
        }
        continue;
      }
      if (delivery == null) {
        if (!running && fetcherDone) {
          return;
        }
        continue;
      }
      long started = System.nanoTime();
      boolean handled = false;
      try {
        if (!running) {
          delivery.requeue();
          outcomes.get(Outcome.REQUEUED).incrementAndGet();
          continue;
        }
        outcomes.get(executor.execute(delivery)).incrementAndGet();
        handled = true;
      } catch (RuntimeException e) {
        log.error("Handling a message from {} failed; it stays in flight until the broker returns it",
            delivery.queue(), e);
      } catch (Throwable e) {
        // Out of memory or worse: the executor gave the message back; a worker in this state must not go on.
        stopAfterFatal(e);
        return;
      } finally {
        if (handled) {
          window.finished(System.nanoTime() - started);
        } else {
          window.release(1);
        }
      }
    }
  }

  private void returnBuffered() {
    List<Delivery> left = new ArrayList<>();
    buffer.drainTo(left);
    for (Delivery delivery : left) {
      try {
        delivery.requeue();
        outcomes.get(Outcome.REQUEUED).incrementAndGet();
      } catch (RuntimeException e) {
        log.error("Returning a message to {} failed; the broker's recovery will", delivery.queue(), e);
      }
    }
  }

  private void stopConsuming() {
    try {
      consumer.stopConsuming(queues);
    } catch (RuntimeException e) {
      log.error("Stopping consumption of {} failed; the broker returns what it pushed when the connection closes",
          queues, e);
    }
  }

  private static void join(Thread thread, Duration timeout) {
    try {
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean joinAll(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      for (Thread thread : slotsAndFetcher()) {
        long remaining = deadline - System.nanoTime();
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return slotsAndFetcher().stream().noneMatch(Thread::isAlive);
  }

  private List<Thread> slotsAndFetcher() {
    List<Thread> all = new ArrayList<>(slots);
    all.add(fetcher);
    return all;
  }

  private boolean awaitQuietly(Duration timeout) {
    try {
      return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static List<String> implementedQueues(TaskRegistry registry) {
    List<String> implemented = registry.implementedQueues();
    if (registry.tasks().isEmpty()) {
      throw new ConfigurationException("no task index on the class path: this worker has no task to run and would"
          + " dead-letter every message it takes. Turn the annotation processor on in the module that declares the"
          + " @Task methods, in maven-compiler-plugin's configuration: <annotationProcessorPaths><path><groupId>"
          + "dev.celeriac</groupId><artifactId>celeriac-processor</artifactId></path></annotationProcessorPaths>"
          + " (docs/tasks.md, \"Declaring a task\"); check with the tasks command");
    }
    if (implemented.isEmpty()) {
      throw new ConfigurationException("no task on the class path is implemented here: the task index declares only"
          + " tasks implemented elsewhere (" + registry.tasks().stream().map(task -> task.name()).toList()
          + "), so this worker would dead-letter every message it takes; put the jar of the module that implements"
          + " them on its class path");
    }
    return implemented;
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
