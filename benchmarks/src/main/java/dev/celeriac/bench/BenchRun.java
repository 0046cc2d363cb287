package dev.celeriac.bench;

import dev.celeriac.Batch;
import dev.celeriac.Celeriac;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What both harnesses do in a run, whatever the broker: record each measurement (a failed one is reported
 * and left out of the medians), time Celeriac's producers, start each side's worker, and read the options
 * they share.
 */
final class BenchRun {

  static final String QUEUE = "bench";

  /** One measurement: a rate in messages per second. */
  interface Measurement {
    double run() throws Exception;
  }

  private final Map<String, List<Double>> results = new LinkedHashMap<>();
  private final Map<String, List<String>> notes = new LinkedHashMap<>();
  private final List<String> failures = new ArrayList<>();

  void measure(String key, Measurement measurement) {
    results.computeIfAbsent(key, k -> new ArrayList<>());
    try {
      results.get(key).add(measurement.run());
    } catch (Exception e) {
      String failure = key + ": " + e;
      failures.add(failure);
      System.out.println("  FAILED " + failure);
    }
  }

  /** The rates measured under {@code key}, none if it never ran. */
  List<Double> results(String key) {
    return results.getOrDefault(key, List.of());
  }

  /** A line to print again with the results, under {@code key}. */
  void note(String key, String line) {
    notes.computeIfAbsent(key, k -> new ArrayList<>()).add(line);
  }

  /** Prints the notes by key, the key's first dotted part dropped ({@code drain.celery} as {@code celery}). */
  void printNotes(String title) {
    if (notes.isEmpty()) {
      return;
    }
    System.out.println();
    System.out.println(title);
    notes.forEach((key, lines) -> {
      System.out.println("  " + key.substring(key.indexOf('.') + 1) + ":");
      lines.forEach(line -> System.out.println("    " + line));
    });
  }

  /** Prints the failed measurements; returns the exit status of the run. */
  int finish() {
    if (failures.isEmpty()) {
      return 0;
    }
    System.out.println();
    System.out.println("FAILED measurements (not in the medians):");
    failures.forEach(f -> System.out.println("  " + f));
    return 1;
  }

  static double report(String what, int n, double seconds) {
    double rate = n / seconds;
    System.out.printf(Locale.ROOT, "  %-44s %,8d msgs in %7.3f s = %,10.0f/s%n", what, n, seconds, rate);
    return rate;
  }

  // ---------------------------------------------------------------- Celeriac's producers

  /**
   * Seconds taken by {@code n} calls of {@code NoopTask.with().on(app).enqueue(i)}, each returning once the
   * broker holds the message, after {@code warmup} untimed ones.
   */
  static double timeOneAtATime(Celeriac app, int n, int warmup) {
    for (int i = 0; i < warmup; i++) {
      NoopTask.with().on(app).enqueue(n + i);
    }
    long started = System.nanoTime();
    for (int i = 0; i < n; i++) {
      NoopTask.with().on(app).enqueue(i);
    }
    return (System.nanoTime() - started) / 1e9;
  }

  /** Seconds taken by {@code n} messages sent in batches of {@code batchSize}, after {@code warmup} untimed ones. */
  static double timeBatches(Celeriac app, int batchSize, int n, int warmup) {
    sendBatches(app, batchSize, n, warmup);
    long started = System.nanoTime();
    sendBatches(app, batchSize, 0, n);
    return (System.nanoTime() - started) / 1e9;
  }

  /** {@code count} no-op messages numbered from {@code from}, in batches of {@code batchSize}. */
  static void sendBatches(Celeriac app, int batchSize, int from, int count) {
    for (int start = 0; start < count; start += batchSize) {
      int end = Math.min(count, start + batchSize);
      try (Batch batch = app.batch()) {
        for (int i = start; i < end; i++) {
          NoopTask.with().in(batch).enqueue(from + i);
        }
      }
    }
  }

  // ---------------------------------------------------------------- workers

  static List<String> celeryWorkerCommand(String python, int concurrency) {
    return celeryWorkerCommand(python, concurrency, false);
  }

  /** Celery's prefork worker; with {@code events}, sending task events ({@code -E}). */
  static List<String> celeryWorkerCommand(String python, int concurrency, boolean events) {
    List<String> command = new ArrayList<>(List.of(python, "-m", "celery", "-A", "benchapp", "worker", "-P",
        "prefork", "-c", Integer.toString(concurrency), "-Q", QUEUE, "--without-mingle", "--without-gossip",
        "--without-heartbeat", "-l", "warning"));
    if (events) {
      command.add("-E");
    }
    return command;
  }

  /** {@code run worker} of this harness's class path in a JVM of its own; {@code prefetch} null for the default. */
  static List<String> celeriacWorkerCommand(List<String> jvmOptions, String brokerUrl, int concurrency,
      Integer prefetch) {
    return celeriacWorkerCommand(jvmOptions, brokerUrl, concurrency, prefetch, false);
  }

  /** {@code run worker} as above; with {@code events}, sending task events ({@code -E}). */
  static List<String> celeriacWorkerCommand(List<String> jvmOptions, String brokerUrl, int concurrency,
      Integer prefetch, boolean events) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.celeriac.cli.Main", "run", "worker",
        "-Q", QUEUE, "-c", Integer.toString(concurrency), "--broker", brokerUrl));
    if (prefetch != null) {
      command.addAll(List.of("--prefetch", Integer.toString(prefetch)));
    }
    if (events) {
      command.add("-E");
    }
    return command;
  }

  /** The environment benchapp.py runs in, as a producer or as Celery's worker. */
  static void pythonEnvironment(Map<String, String> env, String brokerUrl, Path pythonDir) {
    env.put("BENCH_BROKER_URL", brokerUrl);
    env.put("PYTHONPATH", pythonDir.toString());
    env.put("PYTHONDONTWRITEBYTECODE", "1");
    // Celery refuses nothing as root with JSON only, but says so at length; keep the log readable.
    env.put("C_FORCE_ROOT", "1");
  }

  static String pythonVersions(String python, Path pythonDir, Path logDir,
      Consumer<Map<String, String>> environment) {
    try {
      String out = BenchProcesses.runToEnd(List.of(python, "-c",
          "import celery, kombu; print(celery.__version__, kombu.__version__)"), logDir.resolve("python-version.log"),
          pythonDir, environment, Duration.ofSeconds(30));
      String[] parts = out.strip().split(" ");
      return parts[0] + " / kombu " + (parts.length > 1 ? parts[1] : "?");
    } catch (Exception e) {
      return "(celery not importable: " + e.getMessage() + ")";
    }
  }

  // ---------------------------------------------------------------- options

  static int positive(String flag, String value) {
    int n = Integer.parseInt(value);
    if (n < 1) {
      throw new IllegalArgumentException(flag + " must be positive, was " + value);
    }
    return n;
  }

  /** A {@code --prefetch} list: numbers, and {@code default} (null) for the automatic prefetch. */
  static List<Integer> prefetches(String flag, String value) {
    List<Integer> list = new ArrayList<>();
    for (String p : value.split(",")) {
      list.add(p.strip().equals("default") ? null : positive(flag, p.strip()));
    }
    return list;
  }
}
