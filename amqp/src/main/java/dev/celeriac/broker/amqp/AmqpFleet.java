package dev.celeriac.broker.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.recovery.RecordedQueue;
import com.rabbitmq.client.impl.recovery.TopologyRecoveryFilter;
import dev.celeriac.broker.BrokerException;
import dev.celeriac.broker.FleetSupport;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Celery's events, remote control and Celeriac's revoke store on RabbitMQ, over one connection of their own,
 * opened on first use, which recovers by itself: events and control replies never queue behind task traffic,
 * and a node's mailbox queue and consumer come back after a reconnect.
 */
final class AmqpFleet implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AmqpFleet.class);

  private final ConnectionFactory factory;
  private final String url;
  private final FleetSupport support;
  private Connection connection;
  private boolean closed;

  AmqpFleet(ConnectionFactory recovering, String url) {
    this.factory = recovering.clone();
    // The revoke stream is declared on short-lived channels: a recovery must not try to declare it again on them.
    this.factory.setTopologyRecoveryFilter(new TopologyRecoveryFilter() {
      @Override
      public boolean filterQueue(RecordedQueue queue) {
        return !queue.getName().equals(AmqpRevokeStore.QUEUE);
      }
    });
    this.url = url;
    this.support = new FleetSupport(new AmqpEventPublisher(this), new AmqpMailbox(this), new AmqpRevokeStore(this),
        true);
  }

  FleetSupport support() {
    return support;
  }

  /** The broker URL, passwords masked, for messages. */
  String url() {
    return url;
  }

  /** A new channel on the fleet's connection. */
  Channel channel() {
    try {
      return connection().createChannel();
    } catch (IOException | RuntimeException e) {
      throw new BrokerException("can't open a channel on RabbitMQ at " + url + ": " + AmqpBroker.describe(e), e);
    }
  }

  private synchronized Connection connection() {
    if (closed) {
      throw new BrokerException("broker " + url + " is closed");
    }
    if (connection == null) {
      try {
        connection = factory.newConnection("celeriac control");
      } catch (IOException | TimeoutException e) {
        throw new BrokerException("can't connect to RabbitMQ at " + url + ": " + AmqpBroker.describe(e), e);
      }
    }
    return connection;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (connection != null && connection.isOpen()) {
      try {
        connection.close(5_000);
      } catch (IOException | RuntimeException e) {
        log.debug("Closing the control connection to {}: {}", url, e.toString());
      }
    }
  }

  /** Closes a channel, quietly: it may be gone with its connection already. */
  static void closeQuietly(Channel channel) {
    if (channel != null && channel.isOpen()) {
      try {
        channel.close();
      } catch (IOException | TimeoutException | RuntimeException e) {
        // closing anyway
      }
    }
  }
}
