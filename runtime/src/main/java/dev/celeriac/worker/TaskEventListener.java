package dev.celeriac.worker;

import dev.celeriac.TaskContext;
import dev.celeriac.events.EventDispatcher;
import dev.celeriac.events.PythonText;
import dev.celeriac.protocol.TaskMessage;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The task events of a worker, with the fields Celery's worker gives them: {@code task-received},
 * {@code task-started}, {@code task-succeeded}, {@code task-failed}, {@code task-retried}, {@code task-revoked}
 * and {@code task-rejected}. A message dead-lettered for an unknown task is {@code task-failed} with
 * {@code NotRegistered('<name>')}, as Celery reports it; one whose arguments don't fit, {@code task-failed} with
 * the reason. Sent only while task events are enabled.
 */
final class TaskEventListener implements WorkerListener {

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
    Map<String, Object> headers = message.headers();
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("uuid", task.id());
    fields.put("name", task.name());
    fields.put("args", headers.get("argsrepr"));
    fields.put("kwargs", headers.get("kwargsrepr"));
    fields.put("root_id", task.rootId());
    fields.put("parent_id", task.parentId());
    fields.put("retries", task.retries());
    fields.put("eta", headers.get("eta"));
    fields.put("expires", headers.get("expires"));
    events.sendTask("task-received", fields);
  }

  @Override
  public void taskStarted(TaskContext task) {
    if (events.taskEventsEnabled()) {
      events.sendTask("task-started", Map.of("uuid", task.id()));
    }
  }

  @Override
  public void taskSucceeded(TaskContext task, Duration runtime) {
    if (!events.taskEventsEnabled()) {
      return;
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("uuid", task.id());
    // The repr of the return value; Celeriac tasks return nothing, Python's None.
    fields.put("result", "None");
    fields.put("runtime", BigDecimal.valueOf(runtime.toNanos() / 1e9));
    events.sendTask("task-succeeded", fields);
  }

  @Override
  public void taskRetried(TaskContext task, Throwable cause, Duration delay) {
    if (events.taskEventsEnabled()) {
      events.sendTask("task-retried", failure(task.id(), PythonText.repr(cause), PythonText.traceback(cause)));
    }
  }

  @Override
  public void taskFailed(TaskContext task, Throwable cause) {
    if (events.taskEventsEnabled()) {
      events.sendTask("task-failed", failure(task.id(), PythonText.repr(cause), PythonText.traceback(cause)));
    }
  }

  @Override
  public void taskRevoked(TaskContext task, RevokeReason reason) {
    if (!events.taskEventsEnabled()) {
      return;
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("uuid", task.id());
    fields.put("terminated", reason == RevokeReason.TERMINATED);
    fields.put("signum", reason == RevokeReason.TERMINATED ? SIGTERM : null);
    fields.put("expired", reason == RevokeReason.EXPIRED);
    events.sendTask("task-revoked", fields);
  }

  @Override
  public void messageDeadLettered(String queue, String taskName, String taskId, DeadLetterCause cause,
      String reason) {
    if (taskId == null || !events.taskEventsEnabled()) {
      return;
    }
    switch (cause) {
      case UNKNOWN_TASK, NOT_IMPLEMENTED -> events.sendTask("task-failed",
          failure(taskId, "NotRegistered(" + PythonText.repr(String.valueOf(taskName)) + ")", null));
      case BAD_ARGUMENTS -> events.sendTask("task-failed", failure(taskId, "TypeError(" + PythonText.repr(reason) + ")", null));
      case RETRY_NOT_PUBLISHED -> events.sendTask("task-failed", failure(taskId, "Reject(" + PythonText.repr(reason) + ")", null));
      case UNDECODABLE -> {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("uuid", taskId);
        fields.put("requeue", false);
        events.sendTask("task-rejected", fields);
      }
      default -> {
        // FAILED and RETRIES_EXHAUSTED were task-failed already; a protocol 1 message has no task id to report.
      }
    }
  }

  private static Map<String, Object> failure(String id, String exception, String traceback) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("uuid", id);
    fields.put("exception", exception);
    if (traceback != null) {
      fields.put("traceback", traceback);
    }
    return fields;
  }
}
