package dev.celeriac.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The window of messages a worker holds: refills in batches, and the automatic size follows the tasks. */
class PrefetchWindowTest {

  private final AtomicLong clock = new AtomicLong();

  private PrefetchWindow automatic(int concurrency) {
    return new PrefetchWindow(WorkerOptions.builder().concurrency(concurrency).build(), clock::get);
  }

  private static void finish(PrefetchWindow window, int messages, Duration each) {
    for (int i = 0; i < messages; i++) {
      window.finished(each.toNanos());
    }
  }

  /** Fetches and handles {@code messages} as a worker does, each taking {@code each}, leaving nothing held. */
  private static void handle(PrefetchWindow window, int messages, Duration each) throws InterruptedException {
    for (int handled = 0; handled < messages; ) {
      int reserved = window.reserve();
      int taken = Math.min(reserved, messages - handled);
      window.release(reserved - taken);
      finish(window, taken, each);
      handled += taken;
    }
  }

  @Test
  void aFixedWindowRefillsOnceHalfOfItIsFree() throws Exception {
    PrefetchWindow window = PrefetchWindow.of(WorkerOptions.builder().concurrency(2).prefetch(10).build());
    assertEquals(10, window.reserve());
    CompletableFuture<Integer> next = CompletableFuture.supplyAsync(() -> reserveQuietly(window));

    finish(window, 4, Duration.ofMillis(1));
    assertThrows(TimeoutException.class, () -> next.get(200, TimeUnit.MILLISECONDS));
    finish(window, 1, Duration.ofMillis(1));
    assertEquals(5, next.get(10, TimeUnit.SECONDS));
    assertEquals(0, window.resize(), "a fixed window never changes");
  }

  @Test
  void placesNotFilledByAFetchAreFreeAgain() throws Exception {
    PrefetchWindow window = PrefetchWindow.of(WorkerOptions.builder().concurrency(1).prefetch(4).build());
    assertEquals(4, window.reserve());
    window.release(3);
    finish(window, 1, Duration.ofMillis(1));
    assertEquals(4, window.reserve());
  }

  @Test
  void shortTasksGrowTheAutomaticWindowToItsMaximum() throws Exception {
    PrefetchWindow window = automatic(2);
    assertTrue(window.automatic());
    assertEquals(8, window.size(), "Celery's 4 per slot before anything was measured");

    handle(window, PrefetchWindow.SAMPLE - 1, Duration.ofNanos(50_000));
    assertEquals(0, window.resize(), "not sized before a full sample");
    handle(window, 1, Duration.ofNanos(50_000));

    assertEquals(PrefetchWindow.AUTO_MAX, window.resize());
    assertEquals(PrefetchWindow.AUTO_MAX, window.size());
  }

  @Test
  void theAutomaticWindowHoldsAboutASecondOfWork() throws Exception {
    PrefetchWindow window = automatic(4);
    handle(window, PrefetchWindow.SAMPLE, Duration.ofMillis(20));
    // 4 slots finish 200 messages of 20 ms in a second.
    assertEquals(200, window.resize());
  }

  @Test
  void longTasksShrinkTheAutomaticWindowToOnePerSlot() throws Exception {
    PrefetchWindow window = automatic(3);
    handle(window, PrefetchWindow.SAMPLE, Duration.ofSeconds(5));
    assertEquals(3, window.resize());

    // One per slot: each finished message is refilled at once, so no slot waits and none is hoarded.
    assertEquals(3, window.reserve());
    finish(window, 1, Duration.ofSeconds(5));
    assertEquals(1, window.reserve());
  }

  @Test
  void changesWithinAFactorOfTwoDoNotResizeTheWindow() throws Exception {
    PrefetchWindow window = automatic(4);
    handle(window, PrefetchWindow.SAMPLE, Duration.ofMillis(20));
    assertEquals(200, window.resize());
    handle(window, PrefetchWindow.SAMPLE, Duration.ofMillis(12));
    assertEquals(0, window.resize(), "333 is within a factor of two of 200");
    handle(window, PrefetchWindow.SAMPLE, Duration.ofMillis(30));
    assertEquals(0, window.resize(), "133 too");
    assertEquals(200, window.size());
    handle(window, PrefetchWindow.SAMPLE, Duration.ofMillis(40));
    assertEquals(100, window.resize());
  }

  @Test
  void fewLongTasksAreMeasuredOnceASecondHasPassed() throws Exception {
    PrefetchWindow window = automatic(2);
    handle(window, 4, Duration.ofSeconds(30));
    assertEquals(0, window.resize(), "4 messages are not a sample yet");
    clock.addAndGet(Duration.ofSeconds(1).toNanos());
    assertEquals(2, window.resize(), "a second later they are");
  }

  @Test
  void growingTheWindowWakesAWaitingFetch() throws Exception {
    PrefetchWindow window = automatic(2);
    handle(window, PrefetchWindow.SAMPLE, Duration.ofNanos(10_000));
    assertEquals(8, window.reserve());
    finish(window, 2, Duration.ofNanos(10_000));
    CompletableFuture<Integer> next = CompletableFuture.supplyAsync(() -> reserveQuietly(window));
    assertThrows(TimeoutException.class, () -> next.get(200, TimeUnit.MILLISECONDS), "2 free of 8: no refill yet");

    assertEquals(PrefetchWindow.AUTO_MAX, window.resize());
    assertEquals(PrefetchWindow.AUTO_MAX - 6, next.get(10, TimeUnit.SECONDS));
  }

  private static int reserveQuietly(PrefetchWindow window) {
    try {
      return window.reserve();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
