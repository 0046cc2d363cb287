package dev.celeriac.broker.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.TopologyRecoveryException;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;
import dev.celeriac.broker.FirstConnection;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * amqp-client's exception handler for Celeriac's connections: a lost connection and each failed attempt to recover
 * it is one warning line naming the broker (password masked) and the reason, with the stack trace at debug. A
 * broker restart is part of a worker's life, and a trace per reconnect attempt buries what matters; amqp-client's
 * own handler prints a trace for some failures and nothing at all for the refused connections of a broker that
 * is down. Before the first connection is made, failures are logged at debug only: {@link AmqpBroker#connect}
 * reports them. Exceptions thrown by Celeriac's own listeners and consumers are bugs and keep the base class's
 * error with its trace.
 */
final class ConnectionFailureLog extends ForgivingExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ConnectionFailureLog.class);

  private final AmqpNodes nodes;
  private final String url;
  private final Duration recoveryInterval;
  private volatile boolean connected;

  ConnectionFailureLog(AmqpNodes nodes, Duration recoveryInterval) {
    this.nodes = nodes;
    this.url = nodes.display();
    this.recoveryInterval = recoveryInterval;
  }

  /** The first connection is made: from now on, failures are warnings. */
  void connected() {
    connected = true;
  }

  @Override
  public void handleUnexpectedConnectionDriverException(Connection connection, Throwable failure) {
    warn("Lost " + name(connection) + " to RabbitMQ at " + node(connection) + ", reconnecting", failure);
  }

  @Override
  public void handleConnectionRecoveryException(Connection connection, Throwable failure) {
    // The base class skips ConnectException, which is what every attempt gets while the broker is down.
    warn("Reconnecting " + name(connection) + " to RabbitMQ at " + url + " failed, trying again in "
        + recoveryInterval.toMillis() + " ms", failure);
  }

  @Override
  public void handleChannelRecoveryException(Channel channel, Throwable failure) {
    warn("Reopening channel " + channel.getChannelNumber() + " of " + name(channel.getConnection())
        + " to RabbitMQ at " + url + " failed", failure);
  }

  @Override
  public void handleTopologyRecoveryException(Connection connection, Channel channel,
      TopologyRecoveryException failure) {
    warn("Restoring the queues and consumers of " + name(connection) + " on RabbitMQ at " + url + " failed", failure);
  }

  private void warn(String message, Throwable failure) {
    if (connected) {
      log.warn("{}: {}", message, FirstConnection.reason(failure));
      log.debug("{}", message, failure);
    } else {
      log.debug("{}", message, failure);
    }
  }

  /** The URL; for a failover list, also the node the connection was on. */
  private String node(Connection connection) {
    if (nodes.getAddresses().size() == 1 || connection == null || connection.getAddress() == null) {
      return url;
    }
    return connection.getAddress().getHostAddress() + ":" + connection.getPort() + " of " + url;
  }

  private static String name(Connection connection) {
    String name = connection == null ? null : connection.getClientProvidedName();
    return name == null ? "the connection" : "the " + name.replaceFirst("^celeriac ", "") + " connection";
  }
}
