package dev.celeriac.broker;

import dev.celeriac.CeleriacException;

/** The broker did not take, give or settle a message. The message names the broker with its password masked. */
public class BrokerException extends CeleriacException {

  public BrokerException(String message) {
    super(message);
  }

  public BrokerException(String message, Throwable cause) {
    super(message, cause);
  }
}
