package dev.celeriac;

import java.time.Duration;

/** What {@link TaskRef#get} throws when the task was not done in time: Celery's {@code TimeoutError}. */
public class ResultTimeoutException extends CeleriacException {

  private final String taskId;

  public ResultTimeoutException(String taskId, String taskName, Duration timeout, Throwable cause) {
    super("the result of " + taskName + "[" + taskId + "] was not ready within " + timeout.toMillis() + " ms", cause);
    this.taskId = taskId;
  }

  public String taskId() {
    return taskId;
  }
}
