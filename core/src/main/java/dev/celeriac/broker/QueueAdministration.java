package dev.celeriac.broker;

import java.util.Set;

/**
 * What an operator does to a broker's queues, from the command line or a dashboard: counts, the list of queues,
 * purging, and the dead letters. Cold paths: each call may take several round trips and no call is meant for a
 * task's hot path. Every call reads or changes the broker's state as it is now; none is transactional across
 * queues. Implementations are thread-safe.
 */
public interface QueueAdministration {

  /** The dead-letter store of this broker. */
  DeadLetterStore deadLetters();

  /** Counts for one queue, read now; other processes may change them while they are read. */
  QueueStats stats(String queue);

  /** The queues this broker knows of: declared, published to or consumed. */
  Set<String> queueNames();

  /** Drops every ready message of {@code queue}; returns how many. In-flight and delayed ones stay. */
  long purge(String queue);
}
