package dev.celeriac.broker;

import java.util.Objects;

/**
 * What a broker offers for a worker to be a member of a Celery fleet: the event stream, the remote-control
 * mailbox and the durable store of revoked ids (see {@link Broker#fleet()}).
 *
 * @param events publishes Celery events
 * @param mailbox carries remote-control requests and replies
 * @param revokes keeps revoked task ids beyond the life of any worker
 * @param crossProcess whether other processes share this broker: workers then sync with their peers at start
 *     (Celery's mingle), which an in-process broker has no use for
 */
public record FleetSupport(EventPublisher events, ControlMailbox mailbox, RevokeStore revokes, boolean crossProcess) {

  public FleetSupport {
    Objects.requireNonNull(events);
    Objects.requireNonNull(mailbox);
    Objects.requireNonNull(revokes);
  }
}
