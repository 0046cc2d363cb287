package dev.celeriac.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waiting for the integration tests: every wait ends, with the state it saw when it fails. */
public final class Waits {

  private Waits() {}

  /** Polls {@code condition} every few milliseconds; fails after {@code timeout} naming {@code what} and {@code state}. */
  public static void await(String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
            + "; state: " + state.get());
      }
      sleep(Duration.ofMillis(5));
    }
  }

  /** Sleeps, turning an interrupt into a test failure. */
  public static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
