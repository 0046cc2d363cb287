package dev.celeriac;

/** The base of every exception Celeriac throws on purpose. */
public class CeleriacException extends RuntimeException {

  public CeleriacException(String message) {
    super(message);
  }

  public CeleriacException(String message, Throwable cause) {
    super(message, cause);
  }
}
