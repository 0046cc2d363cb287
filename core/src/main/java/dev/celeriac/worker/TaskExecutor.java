package dev.celeriac.worker;

import dev.celeriac.Retry;
import dev.celeriac.RetryPolicy;
import dev.celeriac.TaskContext;
import dev.celeriac.TaskDefinition;
import dev.celeriac.TaskRegistry;
import dev.celeriac.broker.Delivery;
import dev.celeriac.internal.CurrentTask;
import dev.celeriac.internal.TaskInstances;
import dev.celeriac.protocol.JsonValues;
import dev.celeriac.protocol.MalformedMessageException;
import dev.celeriac.protocol.MessageCodec;
import dev.celeriac.protocol.TaskMessage;
import dev.celeriac.protocol.TaskPayload;
import dev.celeriac.result.ResultBackend;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Handles one delivered message from start to settlement: decode, look up the task, honour a revoke,
 * {@code expires} and {@code eta}, bind arguments, run, then ack, retry or dead-letter. Every path
 * settles the delivery exactly once; nothing is dropped without a reason. Thread-safe.
 */
public final class TaskExecutor {

  private static final Logger log = LoggerFactory.getLogger(TaskExecutor.class);

  private final TaskRegistry registry;
  private final Clock clock;
  private final WorkerListener listener;
  /** Whether the user's listener is there to be told the queue latency, which costs a header read. */
  private final boolean measuresLatency;
  private final ScheduledExecutorService timer;
  private final BooleanSupplier aborting;
  private final TaskInstances instances;
  /** Runs eager mode's: retries run at once, and a dead letter is thrown to the caller instead of stored. */
  private final boolean eager;
  private final WorkerState state;
  /** Sends what a message's canvas asks for after its run; null sends nothing. Set before the first message. */
  private volatile FollowUps followUps;
  /** Stores results as a Celery worker does; null when no result backend is configured. */
  private final ResultRecorder results;

  /**
   * An executor of its own, revoking nothing, whose instance tasks run on instances of its own, one per class,
   * made with their no-argument constructors: for tools and tests.
   *
   * @param timer interrupts runs that pass their time limit
   * @param aborting true once the worker is stopping hard: an interrupted run then goes back to its queue
   */
  public TaskExecutor(TaskRegistry registry, Clock clock, WorkerListener listener, ScheduledExecutorService timer,
      BooleanSupplier aborting) {
    this(registry, clock, listener, timer, aborting, TaskInstances.constructed());
  }

  /**
   * An executor of its own, revoking nothing: for tools and tests.
   *
   * @param timer interrupts runs that pass their time limit
   * @param aborting true once the worker is stopping hard: an interrupted run then goes back to its queue
   * @param instances the app's instances that instance tasks run on
   */
  public TaskExecutor(TaskRegistry registry, Clock clock, WorkerListener listener, ScheduledExecutorService timer,
      BooleanSupplier aborting, TaskInstances instances) {
    this(registry, clock, listener, WorkerListener.NONE, timer, aborting,
        new WorkerState(RevokedTasks.DEFAULT_EXPIRES), instances, false, null);
  }

  /**
   * A worker's executor.
   *
   * @param listener the user's listener, guarded so that its failures never stop a message
   * @param own the worker's own listener (task events), called before the user's
   * @param state where the worker's revoked ids, running and parked tasks are kept
   * @param instances the app's instances that instance tasks run on
   */
  TaskExecutor(TaskRegistry registry, Clock clock, WorkerListener listener, WorkerListener own,
      ScheduledExecutorService timer, BooleanSupplier aborting, WorkerState state, TaskInstances instances) {
    this(registry, clock, listener, own, timer, aborting, state, instances, null);
  }

  /** A worker's executor that stores results through {@code results} (null: none). */
  TaskExecutor(TaskRegistry registry, Clock clock, WorkerListener listener, WorkerListener own,
      ScheduledExecutorService timer, BooleanSupplier aborting, WorkerState state, TaskInstances instances,
      ResultRecorder results) {
    this(registry, clock, listener, own, timer, aborting, state, instances, false, results);
  }

  private TaskExecutor(TaskRegistry registry, Clock clock, WorkerListener listener, WorkerListener own,
      ScheduledExecutorService timer, BooleanSupplier aborting, WorkerState state, TaskInstances instances,
      boolean eager, ResultRecorder results) {
    this.results = results;
    this.instances = instances;
    this.registry = registry;
    this.clock = clock;
    this.measuresLatency = listener != WorkerListener.NONE;
    this.listener = ListenerChain.of(own, listener == WorkerListener.NONE ? listener : new GuardedListener(listener));
    this.timer = timer;
    this.aborting = aborting;
    this.eager = eager;
    this.state = state;
  }

  /**
   * The executor of eager mode ({@link dev.celeriac.Celeriac#eager()}), whose caller runs each retry at once and
   * throws what a worker would dead-letter: it decides as a worker's does and logs what the eager run does instead.
   */
  public static TaskExecutor eager(TaskRegistry registry, Clock clock, WorkerListener listener,
      ScheduledExecutorService timer, TaskInstances instances) {
    return eager(registry, clock, listener, timer, instances, null);
  }

  /** As {@link #eager(TaskRegistry, Clock, WorkerListener, ScheduledExecutorService, TaskInstances)}, storing results in {@code results}. */
  public static TaskExecutor eager(TaskRegistry registry, Clock clock, WorkerListener listener,
      ScheduledExecutorService timer, TaskInstances instances, ResultBackend results) {
    return new TaskExecutor(registry, clock, listener, WorkerListener.NONE, timer, () -> false,
        new WorkerState(RevokedTasks.DEFAULT_EXPIRES), instances, true,
        results == null ? null : new ResultRecorder(results, clock, "eager@" + NodeNames.hostName()));
  }

  /**
   * Makes this executor send the callbacks, chain steps, errbacks and chord bodies that messages carry, through
   * {@code followUps}, before it acks them. Call before the first {@link #execute}.
   */
  public TaskExecutor sendingFollowUps(FollowUps followUps) {
    this.followUps = followUps;
    return this;
  }

  /** Handles {@code delivery} and settles it. */
  public Outcome execute(Delivery delivery) {
    TaskMessage message;
    try {
      message = delivery.message();
    } catch (MalformedMessageException e) {
      return deadLetter(delivery, null, null, DeadLetterCause.UNDECODABLE, "undecodable message: " + e.getMessage());
    }
    String name = message.task();
    String id = message.id();
    if (name == null) {
      return deadLetter(delivery, null, id, DeadLetterCause.NOT_PROTOCOL_V2, "not a protocol v2 task message (no 'task' header; content type "
          + message.contentType() + "): protocol 1 and pickle messages are never executed");
    }
    if (id == null) {
      return deadLetter(delivery, name, null, DeadLetterCause.UNDECODABLE, "message has no 'id' header");
    }
    MDC.put("task_id", id);
    MDC.put("task_name", name);
    try {
      return handle(delivery, message, name, id);
    } finally {
      MDC.remove("task_id");
      MDC.remove("task_name");
    }
  }

  private Outcome handle(Delivery delivery, TaskMessage message, String name, String id) {
    Optional<TaskDefinition> found = registry.find(name);
    if (found.isEmpty()) {
      if (results != null) {
        // As a Celery worker: FAILURE with NotRegistered, so that a waiting client is told; kept as a dead letter too.
        storeQuietly(name, id, "NotRegistered", () -> results.notRegistered(name, id, message.parentId(), message));
      }
      return deadLetter(delivery, name, id, DeadLetterCause.UNKNOWN_TASK, "unknown task '" + name
          + "': no task index on this worker's class path declares it");
    }
    TaskDefinition task = found.get();
    if (!task.isImplemented()) {
      return deadLetter(delivery, name, id, DeadLetterCause.NOT_IMPLEMENTED, "task '" + name + "' is declared by " + task.origin()
          + " but implemented elsewhere; no worker entry in this JVM runs it");
    }
    TaskContext context;
    Optional<Instant> eta;
    Optional<Instant> expires;
    try {
      context = new TaskContext(id, name, delivery.queue(), message.retries(), message.rootId(), message.parentId());
      eta = message.eta();
      expires = message.expires();
    } catch (MalformedMessageException e) {
      return deadLetter(delivery, name, id, DeadLetterCause.UNDECODABLE, "undecodable message: " + e.getMessage());
    }
    Instant now = clock.instant();
    // As Celery: a revoke and an expiry are honoured before the message counts as received, and again when a
    // parked message comes back due.
    if (expires.isPresent() && now.isAfter(expires.get())) {
      log.info("Discarding task {}[{}]: expired at {}", name, id, expires.get());
      // Celery revokes an expired id, so that a copy of the message (a redelivery) is discarded too.
      state.revoked().addAll(List.of(id));
      if (results != null) {
        storeQuietly(name, id, "REVOKED", () -> results.revoked(task, id, context.parentId(), message, "expired"));
      }
      revokedFollowUps(message, "expired");
      delivery.ack();
      listener.messageExpired(context);
      listener.taskRevoked(context, RevokeReason.EXPIRED);
      return Outcome.EXPIRED;
    }
    if (state.revoked().contains(id)) {
      log.info("Discarding revoked task {}[{}]", name, id);
      if (results != null) {
        storeQuietly(name, id, "REVOKED", () -> results.revoked(task, id, context.parentId(), message, "revoked"));
      }
      revokedFollowUps(message, "revoked");
      delivery.ack();
      listener.taskRevoked(context, RevokeReason.REVOKED);
      return Outcome.REVOKED;
    }
    if (!state.unparked(id)) {
      listener.messageReceived(context, message);
    }
    if (eta.isPresent() && eta.get().isAfter(now)) {
      // Noted first: the message may come back due before defer returns.
      state.parked(context, message, eta.get());
      delivery.defer(eta.get());
      listener.messageDeferred(context, eta.get());
      return Outcome.DEFERRED;
    }
    Object[] arguments;
    TaskPayload payload;
    try {
      payload = MessageCodec.decodeBody(message);
      arguments = ArgumentBinder.bind(task, payload);
    } catch (MalformedMessageException e) {
      return deadLetter(delivery, name, id, DeadLetterCause.UNDECODABLE, "undecodable message: " + e.getMessage());
    } catch (ArgumentException e) {
      return deadLetter(delivery, name, id, DeadLetterCause.BAD_ARGUMENTS, "bad arguments: " + e.getMessage());
    }
    return run(delivery, message, task, context, payload, arguments);
  }

  private Outcome run(Delivery delivery, TaskMessage message, TaskDefinition task, TaskContext context,
      TaskPayload payload, Object[] arguments) {
    if (measuresLatency) {
      queued(message, context);
    }
    RunGuard guard = new RunGuard(Thread.currentThread());
    ActiveTask active = new ActiveTask(context, message, payload, clock.instant(), guard);
    state.started(active);
    RunResult result;
    Duration runtime;
    try {
      listener.taskStarted(context);
      if (results != null) {
        storeQuietly(task.name(), context.id(), "STARTED", () -> results.started(task, context, message));
      }
      long started = System.nanoTime();
      result = runGuarded(task, context, arguments, guard, timeLimit(task, message));
      runtime = Duration.ofNanos(System.nanoTime() - started);
    } finally {
      state.ended(active);
    }
    if (guard.cause() == RunGuard.Cause.TERMINATED) {
      // Revoked with terminate while it ran: whatever the run came to, the task counts as revoked, as in Celery,
      // whose pool kills the process.
      if (results != null) {
        storeQuietly(task.name(), context.id(), "REVOKED",
            () -> results.revoked(task, context.id(), context.parentId(), message, "terminated"));
      }
      revokedFollowUps(message, "terminated");
      delivery.ack();
      log.warn("Task {}[{}] terminated by a revoke", task.name(), context.id());
      listener.taskRevoked(context, RevokeReason.TERMINATED);
      return Outcome.REVOKED;
    }
    Throwable failure = result.failure();
    if (failure == null) {
      FollowUps sending = followUps;
      FollowUps.Success next = null;
      List<Object> children = result.children();
      if (sending != null && FollowUps.any(payload)) {
        Object wire;
        try {
          wire = JsonValues.toWire(result.value(), "result");
        } catch (IllegalArgumentException e) {
          // No JSON form: what follows cannot get it either.
          return unstorable(delivery, message, task, context, result.children(), e);
        }
        try {
          next = sending.planSuccess(message, payload, wire);
        } catch (MalformedMessageException e) {
          log.error("Task {}[{}] succeeded, but what follows it cannot be sent", task.name(), context.id(), e);
          return deadLetter(delivery, task.name(), context.id(), DeadLetterCause.FOLLOW_UP_NOT_SENT,
              "task succeeded, but " + e.getMessage());
        }
        if (!next.children().isEmpty()) {
          children = new ArrayList<>(children);
          children.addAll(next.children());
        }
      }
      CompletableFuture<Void> stored = null;
      if (results != null) {
        try {
          stored = results.succeeded(task, context, message, result.value(), children);
        } catch (IllegalArgumentException e) {
          return unstorable(delivery, message, task, context, result.children(), e);
        } catch (RuntimeException e) {
          stored = CompletableFuture.failedFuture(e);
        }
      }
      if (next != null) {
        // A canvas's follow-ups go out once the result is stored, as Celery's chord part does: wait for it here.
        if (stored != null) {
          try {
            stored.join();
          } catch (RuntimeException e) {
            return notStored(delivery, task, context, e);
          }
          stored = null;
        }
        try {
          next.send();
        } catch (FollowUps.NotSentException e) {
          log.error("Task {}[{}] succeeded, but what follows it was not sent", task.name(), context.id(), e);
          return deadLetter(delivery, task.name(), context.id(), DeadLetterCause.FOLLOW_UP_NOT_SENT,
              "task succeeded, but " + e.getMessage());
        }
      }
      if (stored == null) {
        delivery.ack();
      } else if (stored.isDone() && !stored.isCompletedExceptionally()) {
        delivery.ack();
      } else if (stored.isDone()) {
        Throwable error = stored.handle((ok, e) -> e).join();
        return notStored(delivery, task, context, error);
      } else {
        // Acked once stored, from the backend's writer; the slot goes on to the next message meanwhile. The
        // callback handles both outcomes, so what whenComplete returns has nothing left to tell.
        CompletableFuture<?> unused = stored.whenComplete((ok, error) -> {
          if (error == null) {
            delivery.ack();
          } else {
            notStored(delivery, task, context, error);
          }
        });
      }
      if (log.isDebugEnabled()) {
        log.debug("Task {}[{}] succeeded in {} ms", task.name(), context.id(), runtime.toMillis());
      }
      listener.taskSucceeded(context, runtime);
      return Outcome.SUCCEEDED;
    }
    if (failure instanceof InterruptedException && aborting.getAsBoolean()) {
      delivery.requeue();
      log.warn("Task {}[{}] interrupted by shutdown; returned to {}", task.name(), context.id(), delivery.queue());
      return Outcome.REQUEUED;
    }
    if (failure instanceof VirtualMachineError fatal && !(failure instanceof StackOverflowError)) {
      // The JVM is not fit to go on (out of memory, say): give the message back, let the worker stop.
      delivery.requeue();
      throw fatal;
    }
    return failed(delivery, message, task, context, payload, failure, result.children());
  }

  /**
   * A value with no JSON form: storing it again will not help, so this is the run's final failure (as Celery's
   * EncodeError), stored as FAILURE when results are kept, not a reason to run the task again.
   */
  private Outcome unstorable(Delivery delivery, TaskMessage message, TaskDefinition task, TaskContext context,
      List<Object> children, IllegalArgumentException e) {
    log.error("Task {}[{}] returned a result that cannot be stored", task.name(), context.id(), e);
    if (results != null) {
      storeQuietly(task.name(), context.id(), "FAILURE", () -> results.failed(task, context, message, e, children));
    }
    return deadLetter(delivery, task.name(), context.id(), DeadLetterCause.FAILED,
        "task ran, but its result cannot be stored: " + e.getMessage());
  }

  /** A SUCCESS that could not be stored: the message goes back to run again rather than acked with its result lost. */
  private Outcome notStored(Delivery delivery, TaskDefinition task, TaskContext context, Throwable error) {
    Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
        ? error.getCause() : error;
    delivery.requeue();
    log.error("Task {}[{}] succeeded but its result could not be stored; returned to {}: {}", task.name(),
        context.id(), delivery.queue(), cause.getMessage());
    return Outcome.REQUEUED;
  }

  /** Reports how long the message waited since it was sent, or since its eta if that is later. */
  private void queued(TaskMessage message, TaskContext context) {
    Optional<Instant> sent = message.sentAt();
    Optional<Instant> eta;
    try {
      eta = message.eta();
    } catch (MalformedMessageException e) {
      eta = Optional.empty();
    }
    Instant since = eta.isPresent() && (sent.isEmpty() || eta.get().isAfter(sent.get())) ? eta.get()
        : sent.orElse(null);
    if (since != null) {
      Duration waited = Duration.between(since, clock.instant());
      listener.taskWaited(context, waited.isNegative() ? Duration.ZERO : waited);
    }
  }

  private Outcome failed(Delivery delivery, TaskMessage message, TaskDefinition task, TaskContext context,
      TaskPayload payload, Throwable failure, List<Object> children) {
    RetryPolicy policy = task.retryPolicy();
    boolean retryable;
    Duration delay;
    if (failure instanceof Retry retry) {
      retryable = true;
      delay = retry.delay();
    } else {
      retryable = !(failure instanceof TimeLimitExceededException) && policy.retries(failure);
      delay = policy.delayBefore(context.retries());
    }
    if (retryable && context.retries() < policy.maxRetries()) {
      Instant now = clock.instant();
      try {
        if (results != null) {
          results.retried(task, context, message, failure, children);
        }
        delivery.retry(MessageCodec.retryOf(message, now.plus(delay), now));
      } catch (RuntimeException e) {
        // As Celery's Reject(requeue=False) when the retry can't be published: kept, with the reason.
        return deadLetter(delivery, task.name(), context.id(), DeadLetterCause.RETRY_NOT_PUBLISHED,
            "retry could not be published (" + e.getMessage()
            + "); last failure: " + failure);
      }
      if (eager) {
        log.info("Eager run of {}[{}] failed, running retry {}/{} now (a worker would wait {} ms): {}", task.name(),
            context.id(), context.retries() + 1, policy.maxRetries(), delay.toMillis(), failure.toString());
      } else {
        log.info("Task {}[{}] retry {}/{} in {} ms: {}", task.name(), context.id(), context.retries() + 1,
            policy.maxRetries(), delay.toMillis(), failure.toString());
      }
      listener.taskRetried(context, failure, delay);
      return Outcome.RETRIED;
    }
    String reason = retryable
        ? "retries exhausted: ran " + (context.retries() + 1) + " times (maxRetries " + policy.maxRetries()
            + "); last failure: " + failure
        : "failed without retry: " + failure;
    if (!eager) {
      // Eager mode's caller gets the failure as the EagerTaskException's cause, trace included.
      log.error("Task {}[{}] {}", task.name(), context.id(), reason, failure);
    }
    if (results != null) {
      try {
        results.failed(task, context, message, failure, children);
      } catch (RuntimeException e) {
        log.error("Task {}[{}] failed and its FAILURE could not be stored: {}", task.name(), context.id(),
            e.getMessage());
      }
    }
    listener.taskFailed(context, failure);
    FollowUps sending = followUps;
    if (sending != null && FollowUps.any(payload)) {
      try {
        sending.failed(message, payload, failure);
      } catch (FollowUps.NotSentException e) {
        log.error("Task {}[{}] failed, and its errbacks or chord part were not sent", task.name(), context.id(), e);
        return deadLetter(delivery, task.name(), context.id(), DeadLetterCause.FOLLOW_UP_NOT_SENT,
            reason + "; and " + e.getMessage());
      }
    }
    return deadLetter(delivery, task.name(), context.id(),
        retryable ? DeadLetterCause.RETRIES_EXHAUSTED : DeadLetterCause.FAILED, reason);
  }

  /**
   * Stores a state whose loss costs no work (STARTED, REVOKED, NotRegistered): a result backend that does not
   * answer is logged and the message goes on to its settlement, never left unsettled in flight.
   */
  private static void storeQuietly(String name, String id, String state, Runnable store) {
    try {
      store.run();
    } catch (RuntimeException e) {
      log.warn("Could not store {} for task {}[{}]: {}", state, name, id, e.toString());
    }
  }

  /** A revoked chord header task still counts in its chord, as REVOKED; a failure to say so is only logged. */
  private void revokedFollowUps(TaskMessage message, String reason) {
    FollowUps sending = followUps;
    if (sending == null) {
      return;
    }
    try {
      TaskPayload payload = MessageCodec.decodeBody(message);
      if (FollowUps.any(payload)) {
        sending.revoked(message, payload, reason);
      }
    } catch (RuntimeException e) {
      log.warn("Revoked task {}[{}]: its chord part was not recorded: {}", message.task(), message.id(), e.toString());
    }
  }

  /**
   * Runs the invoker with the context set and the time limit armed; returns the failure, or null. The guard
   * interrupts the run for its time limit or a terminating revoke, and never once it ended: such an interrupt
   * must not leak into the slot's next run.
   */
  private RunResult runGuarded(TaskDefinition task, TaskContext context, Object[] arguments, RunGuard guard,
      Duration limit) {
    ScheduledFuture<?> alarm = limit.isZero() ? null
        : timer.schedule(() -> guard.interrupt(RunGuard.Cause.TIME_LIMIT), limit.toMillis(), TimeUnit.MILLISECONDS);
    CurrentTask.Frame frame = CurrentTask.enter(context);
    Object value = null;
    Throwable failure = null;
    List<Object> children;
    try {
      value = task.invoke(instances, arguments);
      if (guard.cause() == RunGuard.Cause.TIME_LIMIT) {
        failure = new TimeLimitExceededException(task.name(), limit, null);
      }
    } catch (Throwable thrown) {
      failure = guard.cause() == RunGuard.Cause.TIME_LIMIT
          ? new TimeLimitExceededException(task.name(), limit, thrown) : thrown;
    } finally {
      children = CurrentTask.exit(frame);
      if (alarm != null) {
        alarm.cancel(false);
      }
      guard.finish();
    }
    return new RunResult(failure == null ? value : null, failure, children);
  }

  /**
   * The run's time limit: the task's {@code timeLimitSeconds} and the message's {@code timelimit} header
   * {@code [soft, hard]} (seconds, either null), the smallest that is set winning. Java has no soft limit to raise
   * inside the task as Celery's {@code SoftTimeLimitExceeded}: a soft limit ends the run as a hard one does.
   * Zero when none is set.
   */
  static Duration timeLimit(TaskDefinition task, TaskMessage message) {
    Duration limit = task.timeLimit();
    if (message.headers().get("timelimit") instanceof List<?> limits) {
      for (Object value : limits) {
        if (value instanceof Number seconds && seconds.doubleValue() > 0) {
          Duration header = Duration.ofNanos((long) Math.min(Long.MAX_VALUE, seconds.doubleValue() * 1e9));
          if (limit.isZero() || header.compareTo(limit) < 0) {
            limit = header;
          }
        }
      }
    }
    return limit;
  }

  /** How one run ended: the value the task returned (null for {@code void}), or the failure. */
  /** How a run ended, and the result tuples of what it sent (its {@code children}). */
  private record RunResult(Object value, Throwable failure, List<Object> children) {}

  private Outcome deadLetter(Delivery delivery, String name, String id, DeadLetterCause cause, String reason) {
    delivery.deadLetter(reason);
    if (eager) {
      log.info("Eager run of {}[{}] ends in EagerTaskException: {}", name, id, reason);
    } else {
      log.warn("Dead-lettered {}[{}] from {}: {}", name, id, delivery.queue(), reason);
    }
    listener.messageDeadLettered(delivery.queue(), name, id, cause, reason);
    return Outcome.DEAD_LETTERED;
  }
}
