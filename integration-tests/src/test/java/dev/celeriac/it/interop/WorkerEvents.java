package dev.celeriac.it.interop;

import dev.celeriac.TaskContext;
import dev.celeriac.worker.DeadLetterCause;
import dev.celeriac.worker.RevokeReason;
import dev.celeriac.worker.WorkerListener;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a worker of an interop test reports besides runs: expiries, deferrals, dead letters, revokes and
 * successes, by task id.
 */
public final class WorkerEvents implements WorkerListener {

  /** Ids of the messages discarded as expired. */
  public final List<String> expired = new CopyOnWriteArrayList<>();
  /** Ids of the messages deferred to their eta, once per deferral. */
  public final List<String> deferred = new CopyOnWriteArrayList<>();
  /** {@code name[id]: reason} of each dead letter. */
  public final List<String> deadLettered = new CopyOnWriteArrayList<>();
  /** {@code id reason} of each revoked task: {@code revoked}, {@code terminated} or {@code expired}. */
  public final List<String> revoked = new CopyOnWriteArrayList<>();
  /** Ids of the tasks that succeeded. */
  public final List<String> succeeded = new CopyOnWriteArrayList<>();

  @Override
  public void messageExpired(TaskContext task) {
    expired.add(task.id());
  }

  @Override
  public void taskRevoked(TaskContext task, RevokeReason reason) {
    revoked.add(task.id() + " " + reason.celeryName());
  }

  @Override
  public void taskSucceeded(TaskContext task, java.time.Duration runtime) {
    succeeded.add(task.id());
  }

  @Override
  public void messageDeferred(TaskContext task, Instant eta) {
    deferred.add(task.id());
  }

  @Override
  public void messageDeadLettered(String queue, String taskName, String taskId, DeadLetterCause cause,
      String reason) {
    deadLettered.add(taskName + "[" + taskId + "]: " + reason);
  }

  @Override
  public String toString() {
    return "expired " + expired + ", deferred " + deferred + ", dead-lettered " + deadLettered + ", revoked " + revoked
        + ", succeeded " + succeeded;
  }
}
