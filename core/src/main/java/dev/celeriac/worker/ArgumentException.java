package dev.celeriac.worker;

import dev.celeriac.CeleriacException;

/** A message whose arguments don't fit the task: missing, unconvertible or surplus. Dead-lettered. */
public class ArgumentException extends CeleriacException {

  public ArgumentException(String message) {
    super(message);
  }
}
