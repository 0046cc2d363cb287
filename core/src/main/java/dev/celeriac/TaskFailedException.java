package dev.celeriac;

import dev.celeriac.result.SerializedException;
import dev.celeriac.result.TaskState;

/**
 * What {@link TaskRef#get} throws for a task that failed (FAILURE) or was revoked (REVOKED): the remote
 * exception's type ({@link #remoteType()}, for example {@code ValueError} or {@code IllegalStateException}), its
 * message and the traceback text the worker stored.
 */
public class TaskFailedException extends CeleriacException {

  private final String taskId;
  private final TaskState state;
  private final SerializedException remote;
  private final String remoteTraceback;

  public TaskFailedException(String taskId, String taskName, TaskState state, SerializedException remote,
      String remoteTraceback) {
    super(taskName + "[" + taskId + "] " + (state == TaskState.REVOKED ? "was revoked: " : "failed: ")
        + remote.qualifiedType() + ": " + remote.message());
    this.taskId = taskId;
    this.state = state;
    this.remote = remote;
    this.remoteTraceback = remoteTraceback;
  }

  public String taskId() {
    return taskId;
  }

  /** FAILURE or REVOKED. */
  public TaskState state() {
    return state;
  }

  /** The remote exception's type name, Celery's {@code exc_type}. */
  public String remoteType() {
    return remote.type();
  }

  /** The remote exception's module (Python) or package (Java), Celery's {@code exc_module}; may be null. */
  public String remoteModule() {
    return remote.module();
  }

  /** The remote exception's message: its single argument, or its arguments as Python shows a tuple. */
  public String remoteMessage() {
    return remote.message();
  }

  /** The exception as stored. */
  public SerializedException remoteException() {
    return remote;
  }

  /** The traceback (a Python traceback, a Java stack trace) the worker stored; null when none. */
  public String remoteTraceback() {
    return remoteTraceback;
  }
}
