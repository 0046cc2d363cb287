package dev.celeriac.it.interop;

import dev.celeriac.TaskContext;
import dev.celeriac.worker.DeadLetterCause;
import dev.celeriac.worker.WorkerListener;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What a worker of an interop test reports besides runs: expiries, deferrals and dead letters, by task id. */
public final class WorkerEvents implements WorkerListener {

  /** Ids of the messages discarded as expired. */
  public final List<String> expired = new CopyOnWriteArrayList<>();
  /** Ids of the messages deferred to their eta, once per deferral. */
  public final List<String> deferred = new CopyOnWriteArrayList<>();
  /** {@code name[id]: reason} of each dead letter. */
  public final List<String> deadLettered = new CopyOnWriteArrayList<>();

  @Override
  public void messageExpired(TaskContext task) {
    expired.add(task.id());
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
    return "expired " + expired + ", deferred " + deferred + ", dead-lettered " + deadLettered;
  }
}
