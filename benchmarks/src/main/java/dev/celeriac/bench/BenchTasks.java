package dev.celeriac.bench;

import dev.celeriac.Default;
import dev.celeriac.Extras;
import dev.celeriac.Task;
import java.util.Map;

/** The task every benchmark runs: Celery's {@code bench.noop} of {@code benchapp.py}, in Java. */
public final class BenchTasks {

  private BenchTasks() {}

  /** Does nothing: the benchmark measures the queueing machinery, not the task. */
  @Task(name = "bench.noop", queue = "bench")
  public static void noop(@Default("0") int i, @Extras Map<String, Object> kwargs) {}
}
