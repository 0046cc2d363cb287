package dev.celeriac.worker;

import dev.celeriac.TaskContext;
import dev.celeriac.TaskDefinition;
import dev.celeriac.events.PythonText;
import dev.celeriac.protocol.JsonValues;
import dev.celeriac.protocol.TaskMessage;
import dev.celeriac.result.ResultBackend;
import dev.celeriac.result.ResultMeta;
import dev.celeriac.result.SerializedException;
import dev.celeriac.result.TaskState;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Stores what a Celery 5.2.6 worker stores, when it stores it (FLEET §1.2, §3.8): STARTED for a task with
 * {@code trackStarted}; SUCCESS unless the task or the message's {@code ignore_result} says not to; RETRY,
 * FAILURE and REVOKED unless the task ignores results (the message's flag does not stop those, as in Celery's
 * {@code trace.py}); FAILURE with {@code NotRegistered} for a task this worker does not know. The executor
 * settles the message only after the store returned, so a crash in between redelivers and never loses a result.
 */
public final class ResultRecorder {

  private static final long PID = ProcessHandle.current().pid();

  private final ResultBackend backend;
  private final Clock clock;
  private final String hostname;

  public ResultRecorder(ResultBackend backend, Clock clock, String hostname) {
    this.backend = backend;
    this.clock = clock;
    this.hostname = hostname;
  }

  private LocalDateTime now() {
    return LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  private static String replyTo(TaskMessage message) {
    Object replyTo = message.properties().get("reply_to");
    return replyTo instanceof String text && !text.isEmpty() ? text : null;
  }

  void started(TaskDefinition task, TaskContext context, TaskMessage message) {
    if (task.trackStarted() && !task.ignoreResult()) {
      backend.store(ResultMeta.started(context.id(), PID, hostname, context.parentId()), replyTo(message));
    }
  }

  /**
   * Stores SUCCESS, possibly batched with others (Redis pipelines them on a writer thread); the future completes
   * once it is stored. Null when nothing is to be stored.
   */
  CompletableFuture<Void> succeeded(TaskDefinition task, TaskContext context, TaskMessage message, Object value,
      List<Object> children) {
    if (task.ignoreResult() || Boolean.TRUE.equals(message.headers().get("ignore_result"))) {
      return null;
    }
    return backend.storeAsync(ResultMeta.success(context.id(), JsonValues.toWire(value, "result of " + task.name()),
        now(), context.parentId()).withChildren(children), replyTo(message));
  }

  /** RETRY; its children end with the retry itself, as Celery's (the retry is a task the run sent). */
  void retried(TaskDefinition task, TaskContext context, TaskMessage message, Throwable failure,
      List<Object> children) {
    if (!task.ignoreResult()) {
      List<Object> withRetry = new ArrayList<>(children);
      withRetry.add(ResultMeta.taskTuple(context.id()));
      backend.store(ResultMeta.exception(context.id(), TaskState.RETRY, SerializedException.of(failure),
          PythonText.traceback(failure), now(), context.parentId()).withChildren(withRetry), replyTo(message));
    }
  }

  void failed(TaskDefinition task, TaskContext context, TaskMessage message, Throwable failure,
      List<Object> children) {
    if (!task.ignoreResult()) {
      backend.store(ResultMeta.exception(context.id(), TaskState.FAILURE, SerializedException.of(failure),
          PythonText.traceback(failure), now(), context.parentId()).withChildren(children), replyTo(message));
    }
  }

  /** REVOKED with Celery's {@code TaskRevokedError}: {@code reason} is revoked, terminated or expired. */
  void revoked(TaskDefinition task, String taskId, String parentId, TaskMessage message, String reason) {
    if (task == null || !task.ignoreResult()) {
      backend.store(ResultMeta.exception(taskId, TaskState.REVOKED,
          SerializedException.celery("TaskRevokedError", reason), null, now(), parentId), replyTo(message));
    }
  }

  /** FAILURE with Celery's {@code NotRegistered}, as a Celery worker stores one for a task it does not know. */
  void notRegistered(String name, String taskId, String parentId, TaskMessage message) {
    backend.store(ResultMeta.exception(taskId, TaskState.FAILURE, SerializedException.celery("NotRegistered", name),
        null, now(), parentId), replyTo(message));
  }
}
