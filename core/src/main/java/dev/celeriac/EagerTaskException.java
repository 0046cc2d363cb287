package dev.celeriac;

/**
 * In eager mode, a task that failed for good or a message that a worker would have dead-lettered; the
 * message is the dead-letter reason and the cause, if any, is the task's last failure.
 */
public class EagerTaskException extends CeleriacException {

  public EagerTaskException(String message, Throwable cause) {
    super(message, cause);
  }
}
