package dev.celeriac.bench;

import dev.celeriac.Default;
import dev.celeriac.Extras;
import dev.celeriac.Task;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** The task every benchmark runs: Celery's {@code bench.noop} of {@code benchapp.py}, in Java. */
public final class BenchTasks {

  /**
   * Where the run that completes the {@code BENCH_EXPECT}th no-op writes its time (epoch microseconds): the
   * end mark of a drain on a broker that can't tell how many messages are unacked (RabbitMQ). benchapp.py
   * does the same for Celery.
   */
  private static final String DONE_FILE = System.getenv("BENCH_DONE_FILE");
  private static final long EXPECT = Long.parseLong(System.getenv().getOrDefault("BENCH_EXPECT", "0"));
  private static final AtomicLong RUNS = new AtomicLong();

  private static final String LATENCY_FILE = System.getenv("BENCH_LATENCY_FILE");

  private BenchTasks() {}

  /**
   * Appends the microseconds from the producer's call ({@code sent}, epoch seconds, as benchapp.py's {@code
   * stamp.delay(time.time())} gives it) to this start to {@code BENCH_LATENCY_FILE}: bin/bench-latency.
   */
  @Task(name = "bench.stamp", queue = "bench")
  public static void stamp(@Default("0") double sent, @Default("false") boolean warm,
      @Extras Map<String, Object> kwargs) {
    Instant now = Instant.now();
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, now) - (long) (sent * 1_000_000);
    if (LATENCY_FILE != null && !warm) {
      try {
        Files.writeString(Path.of(LATENCY_FILE), micros + "\n", java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Does nothing: the benchmark measures the queueing machinery, not the task. */
  @Task(name = "bench.noop", queue = "bench")
  public static void noop(@Default("0") int i, @Extras Map<String, Object> kwargs) {
    if (DONE_FILE != null && RUNS.incrementAndGet() == EXPECT) {
      try {
        Files.writeString(Path.of(DONE_FILE), Long.toString(ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now())));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
