package dev.celeriac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void fixedDelayWithoutBackoff() {
    RetryPolicy policy = new RetryPolicy(3, Duration.ofMinutes(3), false, List.of(Exception.class), List.of());
    for (int retries = 0; retries < 5; retries++) {
      assertEquals(Duration.ofMinutes(3), policy.delayBefore(retries));
    }
  }

  @Test
  void exponentialBackoffWithJitterInTheUpperHalf() {
    RetryPolicy policy = new RetryPolicy(10, Duration.ofSeconds(10), true, List.of(Exception.class), List.of());
    long[] ceilings = {10, 20, 40, 80, 160, 320, 600, 600, 600};
    for (int retries = 0; retries < ceilings.length; retries++) {
      long ceiling = ceilings[retries] * 1000;
      for (int sample = 0; sample < 200; sample++) {
        long millis = policy.delayBefore(retries).toMillis();
        assertTrue(millis >= ceiling / 2 && millis <= ceiling, "retry " + retries + ": " + millis);
      }
    }
  }

  @Test
  void backoffCapIsNeverBelowTheBaseDelay() {
    RetryPolicy policy = new RetryPolicy(3, Duration.ofMinutes(20), true, List.of(Exception.class), List.of());
    assertTrue(policy.delayBefore(5).compareTo(Duration.ofMinutes(20)) <= 0);
    assertTrue(policy.delayBefore(5).compareTo(Duration.ofMinutes(10)) >= 0);
    assertTrue(policy.delayBefore(100).compareTo(Duration.ofMinutes(20)) <= 0);
  }
}
