package dev.celeriac;

/**
 * Two task indexes on the class path declare the same task name, or two class-path roots register the same
 * index class; the message names both origins.
 */
public class DuplicateTaskException extends CeleriacException {

  public DuplicateTaskException(String message) {
    super(message);
  }
}
