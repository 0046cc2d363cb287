package dev.celeriac.protocol;

import dev.celeriac.CeleriacException;

/** A value from a message that does not convert to the Java type it should have; the message names the value. */
public class ValueConversionException extends CeleriacException {

  public ValueConversionException(String message) {
    super(message);
  }
}
