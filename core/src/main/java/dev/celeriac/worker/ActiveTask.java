package dev.celeriac.worker;

import dev.celeriac.TaskContext;
import dev.celeriac.protocol.TaskMessage;
import dev.celeriac.protocol.TaskPayload;
import java.time.Instant;

/** A task running on one of the worker's slots, for {@code inspect active} and {@code revoke --terminate}. */
public final class ActiveTask {

  private final TaskContext task;
  private final TaskMessage message;
  private final TaskPayload payload;
  private final Instant started;
  final RunGuard guard;

  ActiveTask(TaskContext task, TaskMessage message, TaskPayload payload, Instant started, RunGuard guard) {
    this.task = task;
    this.message = message;
    this.payload = payload;
    this.started = started;
    this.guard = guard;
  }

  public TaskContext task() {
    return task;
  }

  /** The message as delivered. */
  public TaskMessage message() {
    return message;
  }

  /** Its arguments, as decoded. */
  public TaskPayload payload() {
    return payload;
  }

  /** When the task started. */
  public Instant started() {
    return started;
  }
}
