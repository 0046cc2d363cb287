package dev.celeriac.worker;

import dev.celeriac.broker.Broker;
import dev.celeriac.broker.FleetSupport;
import dev.celeriac.broker.MessageConsumer;
import dev.celeriac.broker.MessagePublisher;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Worker} needs of its broker, role by role: it takes messages, sends the follow-ups its tasks carry,
 * and, where the broker offers it, takes part in a Celery fleet. It needs no queue administration and no cron lock.
 *
 * @param consumer where the worker takes messages from
 * @param publisher where the callbacks, chain steps and chord bodies of finished tasks are sent
 * @param fleet Celery's events, remote control and revoke store; empty when the broker has none, and the worker
 *     then runs on its own
 * @param displayUrl the broker's URL with any password masked, for logs and for {@code inspect stats}
 */
public record BrokerRoles(MessageConsumer consumer, MessagePublisher publisher, Optional<FleetSupport> fleet,
    String displayUrl) {

  public BrokerRoles {
    Objects.requireNonNull(consumer);
    Objects.requireNonNull(publisher);
    Objects.requireNonNull(fleet);
    Objects.requireNonNull(displayUrl);
  }

  /** The roles {@code broker} plays for a worker. */
  public static BrokerRoles of(Broker broker) {
    return new BrokerRoles(broker, broker, broker.fleet(), broker.displayUrl());
  }
}
