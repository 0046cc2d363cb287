package dev.celeriac.broker;

import java.util.List;

/** Where messages that could not be run wait, per queue, for an operator to inspect, replay or drop. */
public interface DeadLetterStore {

  /** Up to {@code limit} dead letters of {@code queue}, oldest first. */
  List<DeadLetter> list(String queue, int limit);

  /** How many dead letters {@code queue} holds. */
  long count(String queue);

  /** Puts every dead letter of {@code queue} back on the queue, unchanged; returns how many. */
  long requeue(String queue);

  /** Drops every dead letter of {@code queue}; returns how many. */
  long purge(String queue);
}
