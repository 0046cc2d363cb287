package dev.celeriac;

import dev.celeriac.internal.CurrentTask;
import java.util.Optional;

/**
 * The message a task is running for, like Celery's {@code self.request}: available through
 * {@link #current()} on the thread that runs the task. Enqueues made from a running task name it as their
 * parent, as Celery does.
 *
 * @param id the task id, the same across retries
 * @param name the task name
 * @param queue the queue the message came from
 * @param retries how many times it was retried before this run
 * @param rootId the id of the first task of the workflow
 * @param parentId the id of the task that sent this one, or null
 */
public record TaskContext(String id, String name, String queue, int retries, String rootId, String parentId) {

  /** The task running on this thread, if any. */
  public static Optional<TaskContext> current() {
    return Optional.ofNullable(CurrentTask.get());
  }
}
