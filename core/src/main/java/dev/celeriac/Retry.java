package dev.celeriac;

import java.time.Duration;
import java.util.Objects;

/**
 * Thrown by a task to ask for a retry after the given delay, whatever its {@code retryOn} says. The retry
 * still counts against {@code maxRetries}: once they are used up the message goes to the dead-letter store.
 */
public class Retry extends RuntimeException {

  private final Duration delay;

  /** Retry after {@code delay}. */
  public Retry(Duration delay) {
    this(delay, null);
  }

  /** Retry after {@code delay}, recording {@code cause} as the reason. */
  public Retry(Duration delay, Throwable cause) {
    super("retry in " + delay.toMillis() + " ms" + (cause == null ? "" : ": " + cause), cause, false, false);
    if (delay.isNegative()) {
      throw new IllegalArgumentException("retry delay must not be negative: " + delay);
    }
    this.delay = Objects.requireNonNull(delay);
  }

  public Duration delay() {
    return delay;
  }
}
