package dev.celeriac;

/** What {@link TaskRef#get} throws when the stored result does not convert to the type the task declares. */
public class ResultTypeException extends CeleriacException {

  public ResultTypeException(String message, Throwable cause) {
    super(message, cause);
  }
}
