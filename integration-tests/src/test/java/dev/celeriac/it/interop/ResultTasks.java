package dev.celeriac.it.interop;

import dev.celeriac.Extras;
import dev.celeriac.Task;
import java.util.List;
import java.util.Map;

/** Java tasks with results, for {@link ResultsInteropTest}: Python's AsyncResult.get() reads what they store. */
public final class ResultTasks {

  private ResultTasks() {}

  @Task(name = "results.java_add", queue = "results-java", maxRetries = 0)
  public static long javaAdd(long x, long y, @Extras Map<String, Object> extras) {
    return x + y;
  }

  @Task(name = "results.java_words", queue = "results-java", maxRetries = 0)
  public static List<String> javaWords(String text, @Extras Map<String, Object> extras) {
    return List.of(text.split(" "));
  }

  @Task(name = "results.java_fail", queue = "results-java", maxRetries = 0)
  public static long javaFail(String message, @Extras Map<String, Object> extras) {
    throw new IllegalStateException(message);
  }

  /** For ResultsCrashTest: a short run whose result the test checks for every task. */
  @Task(name = "results.crash_double", queue = "results-crash", maxRetries = 0)
  public static long crashDouble(long n, @Extras Map<String, Object> extras) throws InterruptedException {
    Thread.sleep(1);
    return 2 * n;
  }

  /** Implemented by results_app.py: the Java producer reads its result typed. */
  public interface Python {
    @Task(name = "results.py_add", queue = "results-py")
    long pyAdd(long x, long y, @Extras Map<String, Object> extras);

    @Task(name = "results.py_fail", queue = "results-py")
    long pyFail(String message, @Extras Map<String, Object> extras);
  }
}
