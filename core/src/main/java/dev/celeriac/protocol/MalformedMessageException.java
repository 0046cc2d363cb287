package dev.celeriac.protocol;

import dev.celeriac.CeleriacException;

/** A message that can't be read as a Celery protocol v2 task message; the reason says what is wrong. */
public class MalformedMessageException extends CeleriacException {

  public MalformedMessageException(String message) {
    super(message);
  }

  public MalformedMessageException(String message, Throwable cause) {
    super(message, cause);
  }
}
