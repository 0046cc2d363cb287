package dev.celeriac.worker;

import dev.celeriac.TaskContext;
import dev.celeriac.protocol.TaskMessage;
import java.time.Duration;
import java.time.Instant;

/**
 * Observes what a worker does with each message; every method has a no-op default. Called on the thread
 * that handled the message, so implementations must be quick and thread-safe.
 */
public interface WorkerListener {

  /** The listener that does nothing: the default. */
  WorkerListener NONE = new WorkerListener() {};

  /**
   * A message for a task this worker runs arrived and will run, now or at its eta: neither revoked nor expired.
   * Called once per receipt; a message this worker parked until its eta is not received again when it comes back.
   */
  default void messageReceived(TaskContext task, TaskMessage message) {}

  /** A task is about to run. */
  default void taskStarted(TaskContext task) {}

  /**
   * A task is about to run, {@code waited} after its message was sent or, with an {@code eta}, after it became
   * due, whichever is later: the queue latency. Called before {@link #taskStarted}, only for messages that tell
   * (Celeriac's producers write when they sent a message; Python producers don't, unless there is an eta).
   */
  default void taskWaited(TaskContext task, Duration waited) {}

  /** A task returned normally after {@code runtime}. */
  default void taskSucceeded(TaskContext task, Duration runtime) {}

  /** A task failed and was re-published to run again after {@code delay}. */
  default void taskRetried(TaskContext task, Throwable cause, Duration delay) {}

  /** A task failed for good (not retryable, retries exhausted, time limit); its message is dead-lettered next. */
  default void taskFailed(TaskContext task, Throwable cause) {}

  /** A message expired before it started and was discarded without running. */
  default void messageExpired(TaskContext task) {}

  /**
   * A task was revoked: its message was discarded unrun because its id was revoked or it expired
   * ({@link #messageExpired} is called too), or its run was interrupted by a revoke with {@code terminate}. The
   * message is acked. Where a result backend is configured, this is where the task's REVOKED state is stored,
   * with {@link RevokeReason#celeryName()} as the reason, as Celery's {@code mark_as_revoked} does.
   */
  default void taskRevoked(TaskContext task, RevokeReason reason) {}

  /** A message arrived before its {@code eta} and was parked until then. */
  default void messageDeferred(TaskContext task, Instant eta) {}

  /**
   * A message went to the dead-letter store.
   *
   * @param queue where it came from
   * @param taskName its task name, or null if it could not be read
   * @param taskId its task id, or null if it could not be read
   * @param cause the kind of failure, for metrics
   * @param reason the reason stored with it
   */
  default void messageDeadLettered(String queue, String taskName, String taskId, DeadLetterCause cause,
      String reason) {}
}
