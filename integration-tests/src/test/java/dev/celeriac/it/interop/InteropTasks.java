package dev.celeriac.it.interop;

import dev.celeriac.Default;
import dev.celeriac.Extras;
import dev.celeriac.Kwarg;
import dev.celeriac.Task;
import dev.celeriac.TaskContext;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tasks implemented in Java that the Python producer sends by name. Every run is recorded, in start order,
 * with the typed arguments it was bound to and the context it ran in.
 */
public final class InteropTasks {

  /** One execution of {@code interop.record}. */
  public record Run(int sequence, String id, String queue, int retries, long n, String label, int weight,
      Map<String, Object> extras, long startedMillis, String thread) {}

  private static final List<Run> RUNS = new CopyOnWriteArrayList<>();
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private InteropTasks() {}

  /**
   * Records its run. An extras entry {@code sleep_ms} makes it hold the message that long after recording,
   * to keep it in flight.
   */
  @Task(name = "interop.record", queue = "interop-java", maxRetries = 0)
  public static void record(@Kwarg("n") long n, String label, @Default("1") int weight,
      @Extras Map<String, Object> extras) throws InterruptedException {
    TaskContext context = TaskContext.current().orElseThrow();
    RUNS.add(new Run(SEQUENCE.getAndIncrement(), context.id(), context.queue(), context.retries(), n, label, weight,
        Collections.unmodifiableMap(new LinkedHashMap<>(extras)), System.currentTimeMillis(), Thread.currentThread().getName()));
    if (extras.get("sleep_ms") instanceof Number sleep) {
      Thread.sleep(sleep.longValue());
    }
  }

  /** Fails at once, for good: what task-failed events are checked with. */
  @Task(name = "interop.fail", queue = "interop-java", maxRetries = 0)
  public static void fail(@Kwarg("n") long n, @Extras Map<String, Object> extras) {
    throw new IllegalStateException("interop failure " + n);
  }

  /** Every run so far, in start order. */
  public static List<Run> runs() {
    return List.copyOf(RUNS);
  }

  /** Forgets every run. */
  public static void reset() {
    RUNS.clear();
    SEQUENCE.set(0);
  }
}
