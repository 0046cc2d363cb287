package dev.celeriac.testsupport;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Bounded waiting for the tests, through Awaitility: every wait ends, and one that fails says what it waited for and
 * the state it saw. The condition is polled at once, then every {@link #POLL_INTERVAL}, on the calling thread (as a
 * test reads its own connections).
 */
public final class Waits {

  /** How often a condition is polled: short, as most waits end within milliseconds. */
  public static final Duration POLL_INTERVAL = Duration.ofMillis(10);

  private Waits() {}

  /** Polls {@code condition} until it holds; fails after {@code timeout} naming {@code what} and {@code state}. */
  public static void await(String what, Duration timeout, Callable<Boolean> condition, Supplier<String> state) {
    try {
      Awaitility.await(what)
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(POLL_INTERVAL)
          .pollInSameThread()
          .until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
          + "; state: " + state.get(), e);
    }
  }

  /** Polls {@code condition} until it holds; fails after {@code timeout} naming {@code what}. */
  public static void await(String what, Duration timeout, Callable<Boolean> condition) {
    await(what, timeout, condition, () -> "(not recorded)");
  }

  /** Sleeps, turning an interrupt into a test failure: for time that must pass, not for a wait (use await). */
  public static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
