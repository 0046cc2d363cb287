package dev.celeriac;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/** How a failing task is retried, from its {@link Task} annotation. Immutable. */
public final class RetryPolicy {

  /** The backoff cap, Celery's default {@code retry_backoff_max}: ten minutes (or the base delay if longer). */
  public static final Duration BACKOFF_CAP = Duration.ofMinutes(10);

  private final int maxRetries;
  private final Duration delay;
  private final boolean backoff;
  private final List<Class<? extends Throwable>> retryOn;
  private final List<Class<? extends Throwable>> dontRetryOn;

  public RetryPolicy(int maxRetries, Duration delay, boolean backoff,
      List<Class<? extends Throwable>> retryOn, List<Class<? extends Throwable>> dontRetryOn) {
    if (maxRetries < 0 || delay.isNegative()) {
      throw new IllegalArgumentException("maxRetries and delay must not be negative");
    }
    this.maxRetries = maxRetries;
    this.delay = Objects.requireNonNull(delay);
    this.backoff = backoff;
    this.retryOn = List.copyOf(retryOn);
    this.dontRetryOn = List.copyOf(dontRetryOn);
  }

  /** The policy of a {@code @Task} with every retry element at its default. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(3, Duration.ofMinutes(3), false, List.of(Exception.class), List.of());
  }

  public int maxRetries() {
    return maxRetries;
  }

  public Duration delay() {
    return delay;
  }

  public boolean backoff() {
    return backoff;
  }

  public List<Class<? extends Throwable>> retryOn() {
    return retryOn;
  }

  public List<Class<? extends Throwable>> dontRetryOn() {
    return dontRetryOn;
  }

  /** Whether this failure is one the policy retries, regardless of how many retries are left. */
  public boolean retries(Throwable failure) {
    for (Class<? extends Throwable> type : dontRetryOn) {
      if (type.isInstance(failure)) {
        return false;
      }
    }
    for (Class<? extends Throwable> type : retryOn) {
      if (type.isInstance(failure)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The wait before retry number {@code retriesSoFar + 1}. Without backoff it is the fixed delay. With
   * backoff it is {@code delay × 2^retriesSoFar}, capped at {@link #BACKOFF_CAP} (or the base delay
   * when that is longer), then spread at random over its upper half so that a burst of failures does not
   * come back as a burst, while no retry comes back almost at once.
   */
  public Duration delayBefore(int retriesSoFar) {
    if (!backoff) {
      return delay;
    }
    long baseMillis = delay.toMillis();
    long capMillis = Math.max(baseMillis, BACKOFF_CAP.toMillis());
    int shift = Math.min(retriesSoFar, 30);
    long exponential = baseMillis > (capMillis >> shift) ? capMillis : Math.min(capMillis, baseMillis << shift);
    long half = exponential / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(exponential - half + 1));
  }

  @Override
  public String toString() {
    return "max " + maxRetries + " retries, " + delay.toSeconds() + "s" + (backoff ? " exponential backoff" : " apart");
  }
}
