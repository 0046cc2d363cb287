package dev.celeriac.bench;

import static dev.celeriac.bench.BenchProcesses.cell;
import static dev.celeriac.bench.BenchProcesses.cpuSeconds;
import static dev.celeriac.bench.BenchProcesses.grep;
import static dev.celeriac.bench.BenchProcesses.loadAverage;
import static dev.celeriac.bench.BenchProcesses.logProblems;
import static dev.celeriac.bench.BenchProcesses.median;
import static dev.celeriac.bench.BenchProcesses.stop;
import static dev.celeriac.bench.BenchProcesses.stopAll;
import static dev.celeriac.bench.BenchProcesses.threadBreakdown;
import static dev.celeriac.bench.BenchProcesses.threadCpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * Celery 5 vs Celeriac, side by side in one run on the same Redis database: one-at-a-time enqueue, batch
 * enqueue, and a worker draining pre-filled no-op messages. Prints every repetition, then a table of
 * medians with the ratio Celeriac/Celery and the targets. See benchmarks/README.md; run it with
 * {@code bin/bench-redis}.
 *
 * <p>Every process it starts (Python producers, Celery and Celeriac workers) is stopped by pid on every
 * path, including Ctrl-C of the harness; every wait is bounded.
 */
public final class RedisBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String QUEUE = BenchRun.QUEUE;
  /** The {@code --jit} setting that runs the worker on C1 alone, and its JVM option. */
  private static final String C1 = "c1";
  private static final String C1_OPTION = "-XX:TieredStopAtLevel=1";
  /** The suffix of the result key of a drain with task events on ({@code -E} on both sides). */
  private static final String EVENTS_SUFFIX = ".E";
  /** The suffix of the result key of a drain with both workers storing results ({@code --store-results on}). */
  private static final String RESULTS_SUFFIX = ".R";

  private final Options o;
  private final Jedis redis;
  private final Celeriac app;
  private final BenchRun run = new BenchRun();
  /** Whether the workers started now store results in {@code --result-backend}. */
  private volatile boolean storing;

  private RedisBench(Options o) {
    this.o = o;
    this.redis = new Jedis(URI.create(o.redisUrl));
    this.app = Celeriac.create(CeleriacConfig.builder().brokerUrl(o.redisUrl).build());
  }

  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.println(Options.USAGE);
      System.exit(2);
      return;
    }
    if (o == null) {
      System.out.println(Options.USAGE);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(BenchProcesses::stopAll, "bench-stop-children"));
    RedisBench bench = new RedisBench(o);
    int status;
    try {
      status = bench.run();
    } finally {
      stopAll();
      bench.close();
    }
    System.exit(status);
  }

  private int run() throws Exception {
    Files.createDirectories(o.logDir);
    header();
    for (int r = 1; r <= o.reps; r++) {
      final int rep = r;
      System.out.printf("%n--- repetition %d/%d (load average %s) ---%n", rep, o.reps, loadAverage());
      if (o.phases.contains("enqueue")) {
        if (o.celery) {
          run.measure("enqueue.celery", () -> celeryProduce("delay", o.enqueueMessages));
        }
        if (o.celeriac) {
          run.measure("enqueue.celeriac", () -> celeriacOneAtATime(o.enqueueMessages));
        }
      }
      if (o.phases.contains("batch")) {
        if (o.celery) {
          run.measure("batch.celery", () -> celeryProduce("batch", o.messages));
        }
        if (o.celeriac) {
          run.measure("batch.celeriac", () -> celeriacBatch(o.messages));
        }
      }
      if (o.phases.contains("drain")) {
        // Within a repetition, without and with results alternate, so that load drifting between repetitions
        // moves both alike and their ratio holds.
        for (boolean results : o.results) {
          storing = results;
          String stored = results ? RESULTS_SUFFIX : "";
          for (boolean events : o.events) {
            if (o.celery) {
              String key = "drain.celery" + (events ? EVENTS_SUFFIX : "") + stored;
              run.measure(key, () -> drain(key.substring(6), BenchRun.celeryWorkerCommand(o.python,
                  o.concurrency, events), rep));
            }
            if (o.celeriac) {
              for (String jit : o.jits) {
                for (Integer prefetch : o.prefetches) {
                  String key = drainKey(jit, prefetch, events) + stored;
                  run.measure(key, () -> drain(key.substring(6), celeriacWorkerCommand(jit, prefetch, events),
                      rep));
                }
              }
            }
          }
        }
        storing = false;
      }
    }
    flush();
    table();
    return run.finish();
  }

  // ---------------------------------------------------------------- producers

  /** Rate of Celery's producer: {@code noop.delay(i)} or {@code apply_async} on one shared producer. */
  private double celeryProduce(String mode, int n) throws Exception {
    flush();
    int warmup = mode.equals("batch") ? o.batchWarmup : Math.min(o.warmup, n);
    List<String> command = List.of(o.python, o.pythonDir.resolve("benchapp.py").toString(), mode,
        Integer.toString(n), Integer.toString(warmup));
    Path log = o.logDir.resolve("celery-" + mode + ".log");
    String out = runToEnd(command, log, Duration.ofSeconds(o.timeoutSeconds));
    String last = out.strip().lines().reduce((a, b) -> b).orElse("");
    JsonNode result = JSON.readTree(last);
    double seconds = result.path("seconds").asDouble();
    expectQueued(n + warmup, "celery " + mode);
    return BenchRun.report("celery " + mode, n, seconds);
  }

  /** Rate of {@code NoopTask.with().on(app).enqueue(i)}, each call returning once Redis holds the message. */
  private double celeriacOneAtATime(int n) throws Exception {
    flush();
    int warmup = Math.min(o.warmup, n);
    double seconds = BenchRun.timeOneAtATime(app, n, warmup);
    expectQueued(n + warmup, "celeriac enqueue");
    return BenchRun.report("celeriac enqueue one at a time", n, seconds);
  }

  /** Rate of {@code NoopTask.with().in(batch).enqueue(i)}, sent in batches of {@code batchSize}, encoding included. */
  private double celeriacBatch(int n) throws Exception {
    flush();
    double seconds = BenchRun.timeBatches(app, o.batchSize, n, o.batchWarmup);
    expectQueued(n + o.batchWarmup, "celeriac batch");
    return BenchRun.report("celeriac batch of " + o.batchSize, n, seconds);
  }

  // ---------------------------------------------------------------- drain

  /**
   * Fills the queue with {@code messages} no-op messages, starts the worker, and times from the first
   * message leaving the list to the list and kombu's {@code unacked} hash both being empty.
   */
  private double drain(String label, List<String> command, int rep) throws Exception {
    int n = o.messages;
    flush();
    fill(n);
    expectQueued(n, "fill");
    Map<String, long[]> statsBefore = commandStats();
    Path log = o.logDir.resolve("worker-" + label + "-" + rep + ".log");
    Process worker = start(command, log, label.equals("celery") ? o.pythonDir : null);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.startTimeoutSeconds);
      long first = -1;
      while (first < 0) {
        long before = System.nanoTime();
        if (redis.llen(QUEUE) < n) {
          first = before;
          break;
        }
        if (!worker.isAlive()) {
          throw new IllegalStateException(label + " worker exited with " + worker.exitValue()
              + " before consuming; see " + log);
        }
        if (before > deadline) {
          throw new IllegalStateException(label + " worker consumed nothing within " + o.startTimeoutSeconds
              + " s; see " + log);
        }
        Thread.sleep(1);
      }
      double cpuAtStart = cpuSeconds(worker);
      Map<String, Double> threadsAtStart = threadCpu(worker);
      double redisCpuAtStart = redisCpu();
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.timeoutSeconds);
      long done;
      long ready;
      long unacked;
      while (true) {
        Pipeline pipeline = redis.pipelined();
        Response<Long> readyReply = pipeline.llen(QUEUE);
        Response<Long> unackedReply = pipeline.hlen("unacked");
        pipeline.sync();
        long now = System.nanoTime();
        ready = readyReply.get();
        unacked = unackedReply.get();
        if (ready == 0 && unacked == 0) {
          done = now;
          break;
        }
        if (!worker.isAlive()) {
          throw new IllegalStateException(label + " worker exited with " + worker.exitValue() + " with "
              + ready + " ready and " + unacked + " unacked; see " + log);
        }
        if (now > deadline) {
          throw new IllegalStateException(label + " worker did not drain within " + o.timeoutSeconds + " s ("
              + ready + " ready, " + unacked + " unacked); see " + log);
        }
        LockSupport.parkNanos(o.pollMicros * 1000L);
      }
      double seconds = (done - first) / 1e9;
      double workerCpu = cpuSeconds(worker) - cpuAtStart;
      Map<String, Double> threadsAtEnd = threadCpu(worker);
      double redisCpu = redisCpu() - redisCpuAtStart;
      Map<String, long[]> statsAfter = commandStats();
      long dead = redis.llen("celeriac:dead:" + QUEUE);
      if (dead > 0) {
        throw new IllegalStateException(label + " dead-lettered " + dead + " messages; see " + log);
      }
      double rate = BenchRun.report("drain " + label, n, seconds);
      String cost = String.format(Locale.ROOT,
          "      cpu during drain: worker %.2f s (%.1f us/msg), redis %.2f s (%.1f us/msg); redis top: %s",
          workerCpu, workerCpu * 1e6 / n, redisCpu, redisCpu * 1e6 / n, topCommands(statsBefore, statsAfter, n));
      System.out.println(cost);
      run.note("drain." + label, cost.strip());
      String threads = threadBreakdown(threadsAtStart, threadsAtEnd);
      if (!threads.isEmpty()) {
        System.out.println("      worker threads' cpu during drain: " + threads);
        run.note("drain." + label, "  threads: " + threads);
      }
      return rate;
    } finally {
      if (o.jfrDir != null && !label.equals("celery") && worker.isAlive()) {
        dumpRecording(worker, o.jfrDir.resolve("worker-" + label + "-" + rep + ".jfr"));
      }
      stop(worker, Duration.ofSeconds(o.stopTimeoutSeconds));
      String succeeded = grep(log, "SUCCEEDED=");
      if (succeeded != null && !succeeded.contains("SUCCEEDED=" + n + ",")) {
        System.out.println("      WARNING " + label + " worker did not report " + n + " successes: " + succeeded);
      }
      List<String> problems = logProblems(log);
      if (!problems.isEmpty()) {
        System.out.println("      " + label + " worker log has " + problems.size() + " error lines, first: "
            + problems.get(0));
      }
    }
  }

  private void fill(int n) throws Exception {
    if (o.fill.equals("celery")) {
      List<String> command = List.of(o.python, o.pythonDir.resolve("benchapp.py").toString(), "batch",
          Integer.toString(n), "0");
      runToEnd(command, o.logDir.resolve("celery-fill.log"), Duration.ofSeconds(o.timeoutSeconds));
    } else {
      BenchRun.sendBatches(app, o.batchSize, 0, n);
    }
  }

  /** The result key of a Celeriac drain: {@code drain.celeriac.[c1.]<prefetch or default>[.E]}. */
  private static String drainKey(String jit, Integer prefetch, boolean events) {
    return "drain.celeriac." + (jit.equals(C1) ? C1 + "." : "") + (prefetch == null ? "default" : prefetch)
        + (events ? EVENTS_SUFFIX : "");
  }

  private List<String> celeriacWorkerCommand(String jit, Integer prefetch, boolean events) {
    List<String> jvm = new ArrayList<>(o.workerJvmOptions);
    if (jit.equals(C1)) {
      jvm.add(C1_OPTION);
    }
    if (o.jfrDir != null) {
      jvm.add("-XX:StartFlightRecording=name=bench,settings=profile");
    }
    return BenchRun.celeriacWorkerCommand(jvm, o.redisUrl, o.concurrency, prefetch, events);
  }

  // ---------------------------------------------------------------- measuring and reporting

  private void expectQueued(long expected, String what) {
    long queued = redis.llen(QUEUE);
    if (queued != expected) {
      throw new IllegalStateException(what + ": expected " + expected + " messages in '" + QUEUE + "', found "
          + queued);
    }
  }

  private void header() {
    System.out.println("Celeriac vs Celery on Redis — " + Instant.now());
    System.out.printf("  redis %s at %s (flushed between phases), %d CPUs, load average %s%n",
        redisVersion(), o.redisUrl, Runtime.getRuntime().availableProcessors(), loadAverage());
    System.out.printf("  celery %s via %s; java %s; celeriac %s%n", BenchRun.pythonVersions(o.python, o.pythonDir, o.logDir, this::pythonEnvironment), o.python,
        System.getProperty("java.version"), System.getenv().getOrDefault("BENCH_GIT_REV", "(unknown revision)"));
    System.out.printf("  %d repetitions; enqueue %,d msgs, batch and drain %,d msgs, warm-up %,d / %,d msgs; "
        + "drain queue filled with %s-produced messages%n", o.reps, o.enqueueMessages, o.messages, o.warmup,
        o.batchWarmup, o.fill);
    System.out.println("  logs: " + o.logDir);
  }

  private void table() {
    System.out.println();
    System.out.printf("RESULTS — medians of %d repetitions (min..max), messages per second; ratio = Celeriac/Celery%n",
        o.reps);
    String format = "%-46s | %-28s | %-28s | %-6s | %s%n";
    System.out.printf(format, "measure", "Celery 5 (prefork x" + o.concurrency + ")", "Celeriac", "ratio",
        "target");
    System.out.println("-".repeat(46) + "-+-" + "-".repeat(28) + "-+-" + "-".repeat(28) + "-+-" + "-".repeat(6)
        + "-+-" + "-".repeat(24));
    row(format, "1. enqueue one at a time (" + String.format(Locale.ROOT, "%,d", o.enqueueMessages) + ")",
        "enqueue.celery", "enqueue.celeriac", null);
    row(format, "2. batch enqueue (" + String.format(Locale.ROOT, "%,d", o.messages) + ", batches of "
        + String.format(Locale.ROOT, "%,d", o.batchSize) + ")", "batch.celery", "batch.celeriac", "batch");
    for (boolean results : o.results) {
      String stored = results ? RESULTS_SUFFIX : "";
      for (boolean events : o.events) {
        for (String jit : o.jits) {
          for (Integer prefetch : o.prefetches) {
            String label = "3. drain " + String.format(Locale.ROOT, "%,d", o.messages) + ", -c " + o.concurrency
                + (events ? " -E" : "") + ", prefetch " + (prefetch == null ? "automatic (default)" : prefetch)
                + (jit.equals(C1) ? ", " + C1_OPTION : "") + (results ? ", results stored" : "");
            row(format, label, "drain.celery" + (events ? EVENTS_SUFFIX : "") + stored,
                drainKey(jit, prefetch, events) + stored, "drain");
          }
        }
      }
    }
    if (o.events.contains(true) && o.events.contains(false)) {
      System.out.println();
      System.out.println("Cost of task events (-E) per message, from the medians (1/rate with -E - 1/rate without):");
      eventCost("Celery 5", "drain.celery", "drain.celery" + EVENTS_SUFFIX);
      for (String jit : o.jits) {
        for (Integer prefetch : o.prefetches) {
          eventCost("Celeriac, prefetch " + (prefetch == null ? "automatic" : prefetch)
              + (jit.equals(C1) ? ", " + C1_OPTION : ""), drainKey(jit, prefetch, false),
              drainKey(jit, prefetch, true));
        }
      }
    }
    if (o.results.contains(true) && o.results.contains(false)) {
      System.out.println();
      System.out.println("Cost of storing results per message, from the medians (1/rate with - 1/rate without),"
          + " and Celeriac's lead over Celery without and with results:");
      eventCost("Celery 5", "drain.celery", "drain.celery" + RESULTS_SUFFIX);
      for (String jit : o.jits) {
        for (Integer prefetch : o.prefetches) {
          String without = drainKey(jit, prefetch, false);
          eventCost("Celeriac, prefetch " + (prefetch == null ? "automatic" : prefetch)
              + (jit.equals(C1) ? ", " + C1_OPTION : ""), without, without + RESULTS_SUFFIX);
          lead(without);
        }
      }
    }
    System.out.println();
    System.out.println("What each line measured:");
    System.out.println("  1. Celery: noop.delay(i) in a Python loop; Celeriac: NoopTask.with().on(app).enqueue(i) in a"
        + " loop; each call returns once Redis has the message (one LPUSH round trip each).");
    System.out.println("  2. Celery has no batch API: noop.apply_async((i,), producer=p) on one shared producer"
        + " (app.producer_or_acquire()), still one LPUSH round trip per message; Celeriac: app.batch() +"
        + " NoopTask.with().in(batch).enqueue(i), one pipelined round trip per batch. Encoding included in both.");
    System.out.println("  3. Drain of a queue pre-filled with " + o.fill + "-produced protocol v2 messages, by a"
        + " separate worker process: Celery `celery worker -P prefork -c " + o.concurrency + " -Q bench"
        + " --without-mingle --without-gossip --without-heartbeat -l warning`; Celeriac `run worker -Q bench -c "
        + o.concurrency + " [--prefetch N]` in its own JVM, with the JVM's defaults or, where the line says so,"
        + " " + C1_OPTION + " (C1 only: no C2 compiler competing with the worker for the cores). Timed from the first message leaving the list until"
        + " LLEN bench = 0 and HLEN unacked = 0 (polled every " + o.pollMicros + " us); worker start-up excluded."
        + " Celery acks before running a task (acks_late off), Celeriac after, so Celery's last <= prefetch"
        + " no-ops may still be running at its end mark.");
    System.out.println("  Warm-up, both sides, before the clock starts: " + o.warmup + " messages in 1, "
        + o.batchWarmup + " in 2 (sent, then the timed messages; the queue is checked to hold both).");
    run.printNotes("Where the CPU went during each drain (per repetition):");
  }

  private void eventCost(String who, String withoutKey, String withKey) {
    Double without = median(run.results(withoutKey));
    Double with = median(run.results(withKey));
    if (without != null && with != null) {
      System.out.printf(Locale.ROOT, "  %-46s %+.1f us/msg (%,.0f/s without, %,.0f/s with)%n", who,
          1e6 / with - 1e6 / without, without, with);
    }
  }

  /** Celeriac's drain over Celery's, without results and with them, from the medians. */
  private void lead(String celeriacKey) {
    Double celeryWithout = median(run.results("drain.celery"));
    Double celeryWith = median(run.results("drain.celery" + RESULTS_SUFFIX));
    Double without = median(run.results(celeriacKey));
    Double with = median(run.results(celeriacKey + RESULTS_SUFFIX));
    if (celeryWithout != null && celeryWith != null && without != null && with != null) {
      System.out.printf(Locale.ROOT, "  %-46s %.1fx Celery without results, %.1fx with%n", "", without / celeryWithout,
          with / celeryWith);
    }
  }

  private void row(String format, String label, String celeryKey, String celeriacKey, String target) {
    List<Double> celery = run.results(celeryKey);
    List<Double> celeriac = run.results(celeriacKey);
    Double celeryMedian = median(celery);
    Double celeriacMedian = median(celeriac);
    String ratio = celeryMedian != null && celeriacMedian != null
        ? String.format(Locale.ROOT, "%.1fx", celeriacMedian / celeryMedian) : "n/a";
    String verdict = "";
    if ("batch".equals(target)) {
      verdict = ">= 100,000/s: " + (celeriacMedian == null ? "n/a" : celeriacMedian >= 100_000 ? "PASS" : "MISS");
    } else if ("drain".equals(target)) {
      verdict = ">= 25x Celery: " + (celeryMedian == null || celeriacMedian == null ? "n/a"
          : celeriacMedian / celeryMedian >= 25 ? "PASS" : "MISS");
    }
    System.out.printf(format, label, cell(celery, celeryMedian), cell(celeriac, celeriacMedian), ratio, verdict);
  }

  // ---------------------------------------------------------------- Redis helpers

  private void flush() {
    redis.flushDB();
    if (o.resultBackend != null) {
      try (Jedis results = new Jedis(URI.create(o.resultBackend))) {
        results.flushDB();
      }
    }
  }

  private double redisCpu() {
    Map<String, String> cpu = infoSection("cpu");
    return Double.parseDouble(cpu.getOrDefault("used_cpu_user", "0"))
        + Double.parseDouble(cpu.getOrDefault("used_cpu_sys", "0"));
  }

  private String redisVersion() {
    return infoSection("server").getOrDefault("redis_version", "?");
  }

  private Map<String, String> infoSection(String section) {
    Map<String, String> values = new HashMap<>();
    for (String line : redis.info(section).split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        values.put(line.substring(0, colon), line.substring(colon + 1).strip());
      }
    }
    return values;
  }

  /** {@code INFO commandstats} as command → {calls, usec}; server-wide (commands inside scripts included). */
  private Map<String, long[]> commandStats() {
    Map<String, long[]> stats = new HashMap<>();
    for (Map.Entry<String, String> entry : infoSection("commandstats").entrySet()) {
      if (!entry.getKey().startsWith("cmdstat_")) {
        continue;
      }
      long calls = 0;
      long usec = 0;
      for (String part : entry.getValue().split(",")) {
        String[] kv = part.split("=", 2);
        if (kv[0].equals("calls")) {
          calls = Long.parseLong(kv[1]);
        } else if (kv[0].equals("usec")) {
          usec = Long.parseLong(kv[1]);
        }
      }
      stats.put(entry.getKey().substring("cmdstat_".length()), new long[] {calls, usec});
    }
    return stats;
  }

  private static String topCommands(Map<String, long[]> before, Map<String, long[]> after, int n) {
    List<Map.Entry<String, long[]>> deltas = new ArrayList<>();
    for (Map.Entry<String, long[]> entry : after.entrySet()) {
      long[] was = before.getOrDefault(entry.getKey(), new long[2]);
      long calls = entry.getValue()[0] - was[0];
      long usec = entry.getValue()[1] - was[1];
      if (calls > 0) {
        deltas.add(Map.entry(entry.getKey(), new long[] {calls, usec}));
      }
    }
    deltas.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(5, deltas.size()); i++) {
      long[] d = deltas.get(i).getValue();
      out.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %,d calls %.0f ms (%.1f us/msg)",
          deltas.get(i).getKey(), d[0], d[1] / 1000.0, d[1] / (double) n));
    }
    return out.toString();
  }

  // ---------------------------------------------------------------- processes

  private Process start(List<String> command, Path log, Path directory) throws IOException {
    return BenchProcesses.start(command, log, directory, this::pythonEnvironment);
  }

  private void pythonEnvironment(Map<String, String> env) {
    BenchRun.pythonEnvironment(env, o.redisUrl, o.pythonDir);
    if (o.resultBackend != null) {
      // Celery's app reads BENCH_RESULT_BACKEND, Celeriac's worker RESULT_BACKEND.
      if (storing) {
        env.put("BENCH_RESULT_BACKEND", o.resultBackend);
        env.put("RESULT_BACKEND", o.resultBackend);
      } else {
        env.remove("BENCH_RESULT_BACKEND");
        env.remove("RESULT_BACKEND");
      }
    }
  }

  private String runToEnd(List<String> command, Path log, Duration timeout) throws Exception {
    return BenchProcesses.runToEnd(command, log, o.pythonDir, this::pythonEnvironment, timeout);
  }

  private void dumpRecording(Process worker, Path file) {
    try {
      Files.createDirectories(file.getParent());
      Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(worker.pid()), "JFR.dump", "name=bench",
          "filename=" + file).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      BenchProcesses.track(dump);
      try {
        if (dump.waitFor(60, TimeUnit.SECONDS) && dump.exitValue() == 0) {
          System.out.println("      JFR recording: " + file);
        } else {
          System.out.println("      JFR dump of pid " + worker.pid() + " failed");
        }
      } finally {
        stop(dump, Duration.ofSeconds(5));
      }
    } catch (IOException | InterruptedException e) {
      System.out.println("      JFR dump failed: " + e);
    }
  }

  private void close() {
    try {
      app.close();
    } finally {
      redis.close();
    }
  }

  // ---------------------------------------------------------------- options

  static final class Options {
    static final String USAGE = String.join("\n",
        "usage: RedisBench [options]",
        "  --redis URL            redis://127.0.0.1:6379/10 (the database is FLUSHDB'd; database 0 is refused)",
        "  --messages N           batch enqueue and drain size, default 40000",
        "  --enqueue-messages N   one-at-a-time enqueue size, default 10000",
        "  --reps N               repetitions, default 3",
        "  --batch-size N         Celeriac batch size, default 1000",
        "  --warmup N             messages sent before timing one-at-a-time enqueues, default 1000",
        "  --batch-warmup N       messages sent before timing batch enqueues, default 10000",
        "  --jfr DIR              profile each Celeriac worker with JFR; dumps DIR/worker-<label>-<rep>.jfr",
        "  --prefetch LIST        Celeriac worker prefetches, 'default' = automatic; default 'default,512'",
        "  --concurrency N        worker concurrency for both, default 2",
        "  --phases LIST          enqueue,batch,drain (default all)",
        "  --only celery|celeriac run one side only",
        "  --fill celeriac|celery who produces the drain's messages, default celeriac",
        "  --python PATH          default /usr/bin/python3",
        "  --python-dir DIR       where benchapp.py is, default benchmarks/src/main/python",
        "  --log-dir DIR          default benchmarks/target/bench-logs",
        "  --worker-jvm-opts STR  extra JVM options of the Celeriac worker, space-separated (e.g. JFR)",
        "  --jit LIST             Celeriac worker JIT settings: 'default' (the JVM's) and/or 'c1' (" + C1_OPTION + "),",
        "                         each drained at every prefetch; default 'default,c1'",
        "  --events LIST          drain with task events off and/or on (-E on both sides), default 'off';",
        "                         'off,on' also prints the cost of events per message",
        "  --result-backend URL   the Redis result backend --store-results on stores in (both workers; FLUSHDB'd)",
        "  --store-results LIST   drain without and/or with both workers storing results, default 'off';",
        "                         'off,on' alternates them in each repetition and prints the cost per message",
        "  --poll-micros N        drain poll interval, default 2000",
        "  --timeout-seconds N    bound on one measurement, default 600");

    String redisUrl = "redis://127.0.0.1:6379/10";
    int messages = 40_000;
    int enqueueMessages = 10_000;
    int reps = 3;
    int batchSize = 1000;
    int warmup = 1000;
    int batchWarmup = 10_000;
    Path jfrDir;
    List<Integer> prefetches = Arrays.asList(null, 512);
    int concurrency = 2;
    List<String> phases = List.of("enqueue", "batch", "drain");
    boolean celery = true;
    boolean celeriac = true;
    String fill = "celeriac";
    String python = "/usr/bin/python3";
    Path pythonDir = Path.of("benchmarks/src/main/python");
    Path logDir = Path.of("benchmarks/target/bench-logs");
    List<String> workerJvmOptions = List.of();
    List<String> jits = List.of("default", C1);
    List<Boolean> events = List.of(false);
    String resultBackend;
    List<Boolean> results = List.of(false);
    int pollMicros = 2000;
    int timeoutSeconds = 600;
    int startTimeoutSeconds = 60;
    int stopTimeoutSeconds = 40;

    /** The options, or null for --help. */
    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (flag.equals("-h") || flag.equals("--help")) {
          return null;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value after " + flag);
        }
        String value = args[++i];
        switch (flag) {
          case "--redis" -> o.redisUrl = value;
          case "--messages" -> o.messages = BenchRun.positive(flag, value);
          case "--enqueue-messages" -> o.enqueueMessages = BenchRun.positive(flag, value);
          case "--reps" -> o.reps = BenchRun.positive(flag, value);
          case "--batch-size" -> o.batchSize = BenchRun.positive(flag, value);
          case "--warmup" -> o.warmup = Integer.parseInt(value);
          case "--batch-warmup" -> o.batchWarmup = Integer.parseInt(value);
          case "--jfr" -> o.jfrDir = Path.of(value).toAbsolutePath();
          case "--concurrency" -> o.concurrency = BenchRun.positive(flag, value);
          case "--prefetch" -> o.prefetches = BenchRun.prefetches(flag, value);
          case "--phases" -> {
            o.phases = List.of(value.split(","));
            for (String phase : o.phases) {
              if (!Set.of("enqueue", "batch", "drain").contains(phase)) {
                throw new IllegalArgumentException("unknown phase " + phase);
              }
            }
          }
          case "--only" -> {
            if (!value.equals("celery") && !value.equals("celeriac")) {
              throw new IllegalArgumentException("--only takes celery or celeriac");
            }
            o.celery = value.equals("celery");
            o.celeriac = value.equals("celeriac");
          }
          case "--fill" -> {
            if (!value.equals("celery") && !value.equals("celeriac")) {
              throw new IllegalArgumentException("--fill takes celery or celeriac");
            }
            o.fill = value;
          }
          case "--python" -> o.python = value;
          case "--python-dir" -> o.pythonDir = Path.of(value).toAbsolutePath();
          case "--log-dir" -> o.logDir = Path.of(value).toAbsolutePath();
          case "--jit" -> {
            o.jits = List.of(value.split(",")).stream().distinct().toList();
            for (String jit : o.jits) {
              if (!jit.equals("default") && !jit.equals(C1)) {
                throw new IllegalArgumentException("--jit takes default and/or c1");
              }
            }
          }
          case "--worker-jvm-opts" -> o.workerJvmOptions = value.isBlank() ? List.of() : List.of(value.strip().split("\\s+"));
          case "--events" -> o.events = offOn(flag, value);
          case "--result-backend" -> o.resultBackend = value;
          case "--store-results" -> o.results = offOn(flag, value);
          case "--poll-micros" -> o.pollMicros = BenchRun.positive(flag, value);
          case "--timeout-seconds" -> o.timeoutSeconds = BenchRun.positive(flag, value);
          default -> throw new IllegalArgumentException("unknown option " + flag);
        }
      }
      URI uri = URI.create(o.redisUrl);
      String db = uri.getPath() == null ? "" : uri.getPath().replace("/", "");
      if (db.isEmpty() || db.equals("0")) {
        throw new IllegalArgumentException("refusing to FLUSHDB database 0 of " + o.redisUrl
            + "; name a spare database, e.g. redis://127.0.0.1:6379/10");
      }
      if (o.results.contains(true)) {
        if (o.resultBackend == null) {
          throw new IllegalArgumentException("--store-results on needs --result-backend redis://HOST:PORT/DB");
        }
        URI backend = URI.create(o.resultBackend);
        String backendDb = backend.getPath() == null ? "" : backend.getPath().replace("/", "");
        if (backendDb.isEmpty() || backendDb.equals("0") || o.resultBackend.equals(o.redisUrl)) {
          throw new IllegalArgumentException("--result-backend needs a spare database of its own (it is FLUSHDB'd),"
              + " neither 0 nor the broker's: " + o.resultBackend);
        }
      }
      o.pythonDir = o.pythonDir.toAbsolutePath();
      o.logDir = o.logDir.toAbsolutePath();
      if (!Files.isRegularFile(o.pythonDir.resolve("benchapp.py"))) {
        throw new IllegalArgumentException("no benchapp.py in " + o.pythonDir + " (--python-dir)");
      }
      return o;
    }

    /** An {@code off,on} list: the settings in the order given, each once. */
    private static List<Boolean> offOn(String flag, String value) {
      List<Boolean> settings = new ArrayList<>();
      for (String setting : value.split(",")) {
        if (!setting.equals("off") && !setting.equals("on")) {
          throw new IllegalArgumentException(flag + " takes off and/or on");
        }
        if (!settings.contains(setting.equals("on"))) {
          settings.add(setting.equals("on"));
        }
      }
      return List.copyOf(settings);
    }

  }
}
