package dev.celeriac;

import java.time.Duration;
import java.time.Instant;

/**
 * Per-message options of an enqueue; null fields take the task's defaults. Immutable.
 *
 * @param queue the target queue, or null for the task's queue
 * @param countdown delay from now, or null
 * @param eta absolute earliest start, or null
 * @param expires time to live from now, or null for the task's {@code expiresSeconds}
 * @param priority 0 to 9, or null for none
 */
public record EnqueueOptions(String queue, Duration countdown, Instant eta, Duration expires, Integer priority) {

  /** No options: the task's queue and defaults, to run as soon as possible. */
  public static final EnqueueOptions DEFAULTS = new EnqueueOptions(null, null, null, null, null);
}
