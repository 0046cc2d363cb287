package dev.celeriac.worker;

import dev.celeriac.CeleriacException;
import java.time.Duration;

/** A run outlasted its task's {@code timeLimitSeconds} and was interrupted; it is not retried. */
public class TimeLimitExceededException extends CeleriacException {

  public TimeLimitExceededException(String taskName, Duration limit, Throwable cause) {
    super("task '" + taskName + "' exceeded its time limit of " + limit.toSeconds() + "s", cause);
  }
}
