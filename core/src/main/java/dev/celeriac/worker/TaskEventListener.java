package dev.celeriac.worker;

import dev.celeriac.TaskContext;
import dev.celeriac.events.EventDispatcher;
import dev.celeriac.events.PythonText;
import dev.celeriac.protocol.TaskMessage;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The task events of a worker, with the fields Celery's worker gives them: {@code task-received},
 * {@code task-started}, {@code task-succeeded}, {@code task-failed}, {@code task-retried}, {@code task-revoked}
 * and {@code task-rejected}. A message dead-lettered for an unknown task is {@code task-failed} with
 * {@code NotRegistered('<name>')}, as Celery reports it; one whose arguments don't fit, {@code task-failed} with
 * the reason. Sent only while task events are enabled.
 */
final class TaskEventListener implements WorkerListener {

  /** The headers {@code task-received} repeats. */
  private static final Set<String> RECEIVED_HEADERS = Set.of("argsrepr", "kwargsrepr", "eta", "expires");
  /** The signal number Celery reports for a terminated task: SIGTERM. */
  static final int SIGTERM = 15;

  private final EventDispatcher events;

  TaskEventListener(EventDispatcher events) {
    this.events = events;
  }

  @Override
  public void messageReceived(TaskContext task, TaskMessage message) {
    if (!events.taskEventsEnabled()) {
      return;
    }
    Map<String, Object> headers = message.headers(RECEIVED_HEADERS);
    events.task("task-received")
        .put("uuid", task.id())
        .put("name", task.name())
        .put("args", headers.get("argsrepr"))
        .put("kwargs", headers.get("kwargsrepr"))
        .put("root_id", task.rootId())
        .put("parent_id", task.parentId())
        .put("retries", task.retries())
        .put("eta", headers.get("eta"))
        .put("expires", headers.get("expires"))
        .send();
  }

  @Override
  public void taskStarted(TaskContext task) {
    if (events.taskEventsEnabled()) {
      events.task("task-started").put("uuid", task.id()).send();
    }
  }

  @Override
  public void taskSucceeded(TaskContext task, Duration runtime) {
    if (!events.taskEventsEnabled()) {
      return;
    }
    // The result is the repr of the return value: Celeriac tasks return nothing, Python's None.
    events.task("task-succeeded")
        .put("uuid", task.id())
        .put("result", "None")
        .put("runtime", BigDecimal.valueOf(runtime.toNanos() / 1_000, 6))
        .send();
  }

  @Override
  public void taskRetried(TaskContext task, Throwable cause, Duration delay) {
    if (events.taskEventsEnabled()) {
      failure("task-retried", task.id(), PythonText.repr(cause), PythonText.traceback(cause));
    }
  }

  @Override
  public void taskFailed(TaskContext task, Throwable cause) {
    if (events.taskEventsEnabled()) {
      failure("task-failed", task.id(), PythonText.repr(cause), PythonText.traceback(cause));
    }
  }

  @Override
  public void taskRevoked(TaskContext task, RevokeReason reason) {
    if (!events.taskEventsEnabled()) {
      return;
    }
    events.task("task-revoked")
        .put("uuid", task.id())
        .put("terminated", reason == RevokeReason.TERMINATED)
        .put("signum", reason == RevokeReason.TERMINATED ? SIGTERM : null)
        .put("expired", reason == RevokeReason.EXPIRED)
        .send();
  }

  @Override
  public void messageDeadLettered(String queue, String taskName, String taskId, DeadLetterCause cause,
      String reason) {
    if (taskId == null || !events.taskEventsEnabled()) {
      return;
    }
    switch (cause) {
      case UNKNOWN_TASK, NOT_IMPLEMENTED ->
          failure("task-failed", taskId, "NotRegistered(" + PythonText.repr(String.valueOf(taskName)) + ")", null);
      case BAD_ARGUMENTS -> failure("task-failed", taskId, "TypeError(" + PythonText.repr(reason) + ")", null);
      case RETRY_NOT_PUBLISHED -> failure("task-failed", taskId, "Reject(" + PythonText.repr(reason) + ")", null);
      case UNDECODABLE -> events.task("task-rejected").put("uuid", taskId).put("requeue", false).send();
      default -> {
        // FAILED and RETRIES_EXHAUSTED were task-failed already; a protocol 1 message has no task id to report.
      }
    }
  }

  /** {@code task-failed} or {@code task-retried}; without a traceback when nothing ran, as Celery's. */
  private void failure(String type, String id, String exception, String traceback) {
    EventDispatcher.TaskEvent event = events.task(type).put("uuid", id).put("exception", exception);
    if (traceback != null) {
      event.put("traceback", traceback);
    }
    event.send();
  }
}
