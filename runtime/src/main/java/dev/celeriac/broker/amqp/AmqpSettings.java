package dev.celeriac.broker.amqp;

import dev.celeriac.broker.FirstConnection;
import java.time.Duration;

/**
 * Tuning of the RabbitMQ broker.
 *
 * @param unreachableTimeout how long an enqueue or a settle keeps retrying while RabbitMQ is unreachable (a
 *     restart, a failover) before it throws
 * @param heartbeat the AMQP heartbeat that detects a dead connection
 * @param recoveryInterval how often amqp-client tries to reconnect after losing the connection
 * @param managementPort the port of RabbitMQ's management API, used for in-flight counts and queue names
 *     where it answers; 0 for never
 * @param connectTimeout how long {@link AmqpBroker#connect} waits for a RabbitMQ that does not answer yet; zero
 *     tries once (see {@link FirstConnection})
 */
public record AmqpSettings(Duration unreachableTimeout, Duration heartbeat, Duration recoveryInterval,
    int managementPort, Duration connectTimeout) {

  /** Long enough to ride out a RabbitMQ restart. */
  public static final Duration DEFAULT_UNREACHABLE_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(20);
  public static final Duration DEFAULT_RECOVERY_INTERVAL = Duration.ofSeconds(1);
  public static final int DEFAULT_MANAGEMENT_PORT = 15672;

  public static AmqpSettings defaults() {
    return new AmqpSettings(DEFAULT_UNREACHABLE_TIMEOUT, DEFAULT_HEARTBEAT, DEFAULT_RECOVERY_INTERVAL,
        DEFAULT_MANAGEMENT_PORT, FirstConnection.DEFAULT_TIMEOUT);
  }

  public AmqpSettings withUnreachableTimeout(Duration timeout) {
    return new AmqpSettings(timeout, heartbeat, recoveryInterval, managementPort, connectTimeout);
  }

  public AmqpSettings withManagementPort(int port) {
    return new AmqpSettings(unreachableTimeout, heartbeat, recoveryInterval, port, connectTimeout);
  }

  public AmqpSettings withConnectTimeout(Duration timeout) {
    return new AmqpSettings(unreachableTimeout, heartbeat, recoveryInterval, managementPort, timeout);
  }
}
