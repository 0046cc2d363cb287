package dev.celeriac.broker;

/**
 * The broker did not answer in time: nothing listens on its port, or a network or a restart keeps it away.
 * Unlike a refusal (credentials, a host name that does not resolve: a {@link dev.celeriac.ConfigurationException}),
 * trying again later may succeed. The message names the broker with its password masked.
 */
public class BrokerUnreachableException extends BrokerException {

  public BrokerUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}
