package dev.celeriac.broker.amqp;

import dev.celeriac.CeleriacConfig;
import dev.celeriac.broker.BrokerSettings;
import dev.celeriac.broker.BrokerSettingsSet;
import dev.celeriac.broker.FirstConnection;
import java.time.Duration;
import java.util.Locale;

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
 * @param queueType the type of the queues Celeriac creates: task queues, their dead-letter queues and cron
 *     tokens; a queue that exists is used as it is, whatever its type
 * @param deliveryLimit for {@link QueueType#QUORUM}: how often RabbitMQ hands out a message that comes back
 *     unacked (a worker killed while running it) before it moves it to the dead-letter queue; 0 sets none
 */
public record AmqpSettings(Duration unreachableTimeout, Duration heartbeat, Duration recoveryInterval,
    int managementPort, Duration connectTimeout, QueueType queueType, int deliveryLimit) implements BrokerSettings {

  /** Long enough to ride out a RabbitMQ restart. */
  public static final Duration DEFAULT_UNREACHABLE_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(20);
  public static final Duration DEFAULT_RECOVERY_INTERVAL = Duration.ofSeconds(1);
  public static final int DEFAULT_MANAGEMENT_PORT = 15672;

  /**
   * The types of queue Celeriac can declare, as RabbitMQ's {@code x-queue-type} and Celery 5.5's
   * {@code task_default_queue_type} name them.
   */
  public enum QueueType {
    /** A queue on one node, as Celery declares it: no arguments. */
    CLASSIC,
    /** A queue replicated over the cluster's nodes (Raft), which survives the loss of a minority of them. */
    QUORUM;

    /** The type named {@code classic} or {@code quorum}, in any case. */
    public static QueueType named(String name) {
      try {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("a queue type is classic or quorum, not '" + name.trim() + "'");
      }
    }

    /** The name in {@code x-queue-type}. */
    public String argument() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public AmqpSettings {
    if (deliveryLimit < 0) {
      throw new IllegalArgumentException("the delivery limit is 0 (none) or more, was " + deliveryLimit);
    }
    if (deliveryLimit > 0 && queueType != QueueType.QUORUM) {
      throw new IllegalArgumentException("a delivery limit needs quorum queues (queue type quorum); classic queues"
          + " have none");
    }
  }

  /** The RabbitMQ settings in {@code settings}, or the defaults when none were set. */
  public static AmqpSettings of(BrokerSettingsSet settings) {
    return settings.get(AmqpSettings.class, AmqpSettings::defaults);
  }

  /** The RabbitMQ settings {@code config} holds, or the defaults when none were set. */
  public static AmqpSettings of(CeleriacConfig config) {
    return of(config.brokerSettings());
  }

  public static AmqpSettings defaults() {
    return new AmqpSettings(DEFAULT_UNREACHABLE_TIMEOUT, DEFAULT_HEARTBEAT, DEFAULT_RECOVERY_INTERVAL,
        DEFAULT_MANAGEMENT_PORT, FirstConnection.DEFAULT_TIMEOUT, QueueType.CLASSIC, 0);
  }

  public AmqpSettings withUnreachableTimeout(Duration timeout) {
    return new AmqpSettings(timeout, heartbeat, recoveryInterval, managementPort, connectTimeout, queueType,
        deliveryLimit);
  }

  public AmqpSettings withManagementPort(int port) {
    return new AmqpSettings(unreachableTimeout, heartbeat, recoveryInterval, port, connectTimeout, queueType,
        deliveryLimit);
  }

  @Override
  public AmqpSettings withConnectTimeout(Duration timeout) {
    return new AmqpSettings(unreachableTimeout, heartbeat, recoveryInterval, managementPort, timeout, queueType,
        deliveryLimit);
  }

  /** The type of the queues Celeriac creates, and for quorum queues their delivery limit (0: none). */
  public AmqpSettings withQueueType(QueueType type, int limit) {
    return new AmqpSettings(unreachableTimeout, heartbeat, recoveryInterval, managementPort, connectTimeout, type,
        limit);
  }
}
