package dev.celeriac.bench;

import static dev.celeriac.bench.BenchProcesses.cell;
import static dev.celeriac.bench.BenchProcesses.cpuSeconds;
import static dev.celeriac.bench.BenchProcesses.grep;
import static dev.celeriac.bench.BenchProcesses.loadAverage;
import static dev.celeriac.bench.BenchProcesses.logProblems;
import static dev.celeriac.bench.BenchProcesses.median;
import static dev.celeriac.bench.BenchProcesses.stop;
import static dev.celeriac.bench.BenchProcesses.threadBreakdown;
import static dev.celeriac.bench.BenchProcesses.threadCpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Celery 5, Celeriac and RabbitMQ's own PerfTest side by side on one RabbitMQ, in one run: enqueue one at a
 * time, enqueue in bulk, and drain a queue of no-op tasks with two slots. PerfTest (persistent messages,
 * publisher confirms, manual acks) is the limit of what a Java client gets out of this RabbitMQ. Prints
 * medians with the ratios and the targets. See benchmarks/README.md; run it with {@code bin/bench-amqp}.
 */
public final class AmqpBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String QUEUE = BenchRun.QUEUE;
  private static final List<String> SIDES = List.of("celery", "celeriac", "perftest");
  private static final Pattern RATE = Pattern.compile("(sending|receiving) rate avg: (\\d+) msg/s");

  private final Options o;
  private final Celeriac app;
  private final Connection connection;
  private final Channel channel;
  private final BenchRun run = new BenchRun();

  private AmqpBench(Options o) throws Exception {
    this.o = o;
    this.app = Celeriac.create(CeleriacConfig.builder().brokerUrl(o.amqpUrl).build());
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(o.amqpUrl.replaceFirst("//$", "/%2F"));
    this.connection = factory.newConnection("celeriac-bench probe");
    this.channel = connection.createChannel();
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
    AmqpBench bench = new AmqpBench(o);
    int status;
    try {
      status = bench.run();
    } finally {
      BenchProcesses.stopAll();
      bench.close();
    }
    System.exit(status);
  }

  private int run() throws Exception {
    Files.createDirectories(o.logDir);
    // The Celery topology (durable direct exchange and queue 'bench', no arguments), declared by a publish.
    NoopTask.with().on(app).enqueue(0);
    header();
    for (int rep = 1; rep <= o.reps; rep++) {
      final int r = rep;
      System.out.printf("%n--- repetition %d/%d (load average %s) ---%n", rep, o.reps, loadAverage());
      if (o.phases.contains("enqueue")) {
        side("celery", () -> run.measure("enqueue.celery", () -> celeryProduce("delay", o.enqueueMessages)));
        side("celeriac", () -> run.measure("enqueue.celeriac", () -> celeriacOneAtATime(o.enqueueMessages)));
        side("perftest", () -> run.measure("enqueue.perftest", () -> perfTestProduce(o.enqueueMessages, 1)));
      }
      if (o.phases.contains("batch")) {
        side("celery", () -> run.measure("batch.celery", () -> celeryProduce("batch", o.messages)));
        side("celeriac", () -> run.measure("batch.celeriac", () -> celeriacBatch(o.messages)));
        side("perftest", () -> run.measure("batch.perftest", () -> perfTestProduce(o.messages, o.batchSize)));
      }
      if (o.phases.contains("drain")) {
        side("celery", () -> run.measure("drain.celery", () -> drain("celery", BenchRun.celeryWorkerCommand(o.python, o.concurrency), r)));
        side("celeriac", () -> {
          for (Integer prefetch : o.prefetches) {
            String key = "drain.celeriac." + (prefetch == null ? "default" : prefetch);
            run.measure(key, () -> drain(key.substring(6), celeriacWorkerCommand(prefetch), r));
          }
        });
        side("perftest", () -> run.measure("drain.perftest", () -> drain("perftest", perfTestConsumeCommand(), r)));
      }
    }
    purge();
    table();
    return run.finish();
  }

  private void side(String name, Runnable measurement) {
    if (o.sides.contains(name)) {
      measurement.run();
    }
  }

  // ---------------------------------------------------------------- producers

  /** Celery's producer ({@code noop.delay(i)}, or {@code apply_async} on one shared producer). */
  private double celeryProduce(String mode, int n) throws Exception {
    purge();
    int warmup = mode.equals("batch") ? o.batchWarmup : Math.min(o.warmup, n);
    String out = BenchProcesses.runToEnd(List.of(o.python, o.pythonDir.resolve("benchapp.py").toString(), mode,
        Integer.toString(n), Integer.toString(warmup)), o.logDir.resolve("celery-" + mode + ".log"), o.pythonDir,
        this::pythonEnvironment, Duration.ofSeconds(o.timeoutSeconds));
    JsonNode result = JSON.readTree(out.strip().lines().reduce((a, b) -> b).orElse("{}"));
    expectReady(n + warmup, "celery " + mode);
    return BenchRun.report("celery " + mode, n, result.path("seconds").asDouble());
  }

  /** {@code NoopTask.with().on(app).enqueue(i)}: each call returns once RabbitMQ confirmed the message. */
  private double celeriacOneAtATime(int n) throws Exception {
    purge();
    int warmup = Math.min(o.warmup, n);
    double seconds = BenchRun.timeOneAtATime(app, n, warmup);
    expectReady(n + warmup, "celeriac enqueue");
    return BenchRun.report("celeriac enqueue one at a time", n, seconds);
  }

  /** {@code app.batch()} in batches of {@code batchSize}: one wait for the confirms of each batch. */
  private double celeriacBatch(int n) throws Exception {
    purge();
    double seconds = BenchRun.timeBatches(app, o.batchSize, n, o.batchWarmup);
    expectReady(n + o.batchWarmup, "celeriac batch");
    return BenchRun.report("celeriac batch of " + o.batchSize, n, seconds);
  }

  /**
   * PerfTest's producer: persistent messages of the size of a Celeriac no-op message, at most
   * {@code unconfirmed} of them unconfirmed (1: every publish waits for its confirm). Its own average.
   */
  private double perfTestProduce(int n, int unconfirmed) throws Exception {
    purge();
    Path log = o.logDir.resolve("perftest-produce-" + unconfirmed + ".log");
    List<String> command = perfTest("-x", "1", "-y", "0", "-u", QUEUE, "-p", "-f", "persistent",
        "-c", Integer.toString(unconfirmed), "-C", Integer.toString(n), "-s", Integer.toString(o.perfTestBodySize));
    String out = BenchProcesses.runToEnd(command, log, null, env -> {}, Duration.ofSeconds(o.timeoutSeconds));
    Files.writeString(log, out, java.nio.file.StandardOpenOption.APPEND);
    double rate = perfTestRate(log, "sending");
    expectReady(n, "perftest produce");
    System.out.printf(Locale.ROOT, "  %-44s %,8d msgs, PerfTest's average %,10.0f/s%n",
        "perftest publish, " + unconfirmed + " unconfirmed at most", n, rate);
    return rate;
  }

  // ---------------------------------------------------------------- drain

  /**
   * Fills the queue with {@code messages} Celeriac-produced no-op messages, starts the consumer, and times
   * from the first message leaving the queue to the last one handled: the no-op that completes the count
   * writes its time (Celery, Celeriac), or PerfTest says it reached its message count. RabbitMQ can't tell a
   * client how many messages are unacked, so the queue running empty is not the end.
   */
  private double drain(String label, List<String> command, int rep) throws Exception {
    int n = o.messages;
    purge();
    BenchRun.sendBatches(app, o.batchSize, 0, n);
    expectReady(n, "fill");
    Path log = o.logDir.resolve("worker-" + label + "-" + rep + ".log");
    Path doneFile = o.logDir.resolve("done-" + label + "-" + rep);
    Files.deleteIfExists(doneFile);
    CompletableFuture<Instant> perfTestDone = new CompletableFuture<>();
    Process worker = label.equals("perftest") ? startWatched(command, log, perfTestDone)
        : BenchProcesses.start(command, log, label.equals("celery") ? o.pythonDir : null, env -> {
          pythonEnvironment(env);
          env.put("BENCH_DONE_FILE", doneFile.toString());
          env.put("BENCH_EXPECT", Integer.toString(n));
        });
    double rabbitAtStart = 0;
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.startTimeoutSeconds);
      Instant first;
      while (true) {
        Instant now = Instant.now();
        if (ready() < n) {
          first = now;
          break;
        }
        if (!worker.isAlive()) {
          throw new IllegalStateException(label + " exited with " + worker.exitValue() + " before consuming; see "
              + log);
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(label + " consumed nothing within " + o.startTimeoutSeconds + " s; see "
              + log);
        }
        Thread.sleep(1);
      }
      double cpuAtStart = cpuSeconds(worker);
      Map<String, Double> threadsAtStart = threadCpu(worker);
      rabbitAtStart = rabbitCpu();
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.timeoutSeconds);
      Instant done;
      while (true) {
        done = label.equals("perftest") ? perfTestDone.getNow(null) : doneAt(doneFile);
        if (done != null) {
          break;
        }
        if (!worker.isAlive()) {
          throw new IllegalStateException(label + " exited with " + worker.exitValue() + " with " + ready()
              + " ready; see " + log);
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(label + " did not drain within " + o.timeoutSeconds + " s (" + ready()
              + " ready); see " + log);
        }
        LockSupport.parkNanos(o.pollMicros * 1000L);
      }
      double workerCpu = cpuSeconds(worker) - cpuAtStart;
      Map<String, Double> threadsAtEnd = threadCpu(worker);
      double rabbit = rabbitCpu() - rabbitAtStart;
      double seconds = ChronoUnit.MICROS.between(first, done) / 1e6;
      if (ready() != 0) {
        throw new IllegalStateException(label + " reported " + n + " handled with " + ready() + " still ready");
      }
      if (!label.equals("perftest") && dead() > 0) {
        throw new IllegalStateException(label + " dead-lettered " + dead() + " messages; see " + log);
      }
      double rate = BenchRun.report("drain " + label, n, seconds);
      String cost = String.format(Locale.ROOT,
          "      cpu during drain: %s %.2f s (%.1f us/msg), rabbitmq %.2f s (%.1f us/msg)", label, workerCpu,
          workerCpu * 1e6 / n, rabbit, rabbit * 1e6 / n);
      System.out.println(cost);
      run.note("drain." + label, cost.strip());
      String threads = threadBreakdown(threadsAtStart, threadsAtEnd);
      if (!threads.isEmpty()) {
        System.out.println("      threads' cpu during drain: " + threads);
        run.note("drain." + label, "  threads: " + threads);
      }
      return rate;
    } finally {
      stop(worker, Duration.ofSeconds(o.stopTimeoutSeconds));
      String succeeded = grep(log, "SUCCEEDED=");
      if (succeeded != null && !succeeded.contains("SUCCEEDED=" + n + ",")) {
        System.out.println("      WARNING " + label + " worker did not report " + n + " successes: " + succeeded);
      }
      List<String> problems = logProblems(log);
      if (!problems.isEmpty()) {
        System.out.println("      " + label + " log has " + problems.size() + " error lines, first: "
            + problems.get(0));
      }
    }
  }

  /** Starts PerfTest with its output copied to {@code log}, completing {@code done} when it reached its count. */
  private static Process startWatched(List<String> command, Path log, CompletableFuture<Instant> done)
      throws IOException {
    Process process = BenchProcesses.track(new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start());
    Thread copier = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8)); PrintWriter out = new PrintWriter(Files.newBufferedWriter(log))) {
        for (String line; (line = in.readLine()) != null; ) {
          if (line.contains("Consumer reached message limit")) {
            done.complete(Instant.now());
          }
          out.println(line);
        }
      } catch (IOException e) {
        done.completeExceptionally(e);
      }
    }, "perftest-output");
    copier.setDaemon(true);
    copier.start();
    return process;
  }

  private static Instant doneAt(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    String text = Files.readString(file).strip();
    if (text.isEmpty()) {
      return null;
    }
    long micros = Long.parseLong(text);
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  private List<String> celeriacWorkerCommand(Integer prefetch) {
    return BenchRun.celeriacWorkerCommand(o.workerJvmOptions, o.amqpUrl, o.concurrency, prefetch);
  }

  /** PerfTest as a consumer of the filled queue: manual acks, one by one (its default), qos as Celeriac's most. */
  private List<String> perfTestConsumeCommand() {
    return perfTest("-x", "0", "-y", "1", "-u", QUEUE, "-p", "-D", Integer.toString(o.messages), "-q",
        Integer.toString(o.perfTestQos));
  }

  private List<String> perfTest(String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", o.perfTestClasspath, "com.rabbitmq.perf.PerfTest", "-h", perfTestUri()));
    command.addAll(Arrays.asList(args));
    return command;
  }

  /** The URL as amqp-client reads it: Celery's trailing '//' is the vhost '/'. */
  private String perfTestUri() {
    return o.amqpUrl.replaceFirst("//$", "/%2F");
  }

  private static double perfTestRate(Path log, String which) throws IOException {
    for (String line : Files.readAllLines(log)) {
      Matcher m = RATE.matcher(line);
      if (m.find() && m.group(1).equals(which)) {
        return Double.parseDouble(m.group(2));
      }
    }
    throw new IllegalStateException("PerfTest printed no " + which + " rate; see " + log);
  }

  // ---------------------------------------------------------------- measuring and reporting

  private void header() throws Exception {
    System.out.println("Celeriac vs Celery vs PerfTest on RabbitMQ — " + Instant.now());
    System.out.printf("  rabbitmq %s at %s (queue '%s' purged between phases), %d CPUs, load average %s%n",
        connection.getServerProperties().get("version"), app.broker().displayUrl(), QUEUE,
        Runtime.getRuntime().availableProcessors(), loadAverage());
    System.out.printf("  celery %s via %s; java %s; perftest 2.22.1; celeriac %s%n", BenchRun.pythonVersions(o.python, o.pythonDir, o.logDir, this::pythonEnvironment), o.python,
        System.getProperty("java.version"), System.getenv().getOrDefault("BENCH_GIT_REV", "(unknown revision)"));
    System.out.printf("  %d repetitions; enqueue %,d msgs, batch and drain %,d msgs, warm-up %,d / %,d msgs%n",
        o.reps, o.enqueueMessages, o.messages, o.warmup, o.batchWarmup);
    System.out.println("  logs: " + o.logDir);
  }

  private void table() {
    System.out.println();
    System.out.printf("RESULTS — medians of %d repetitions (min..max), messages per second%n", o.reps);
    String format = "%-40s | %-26s | %-26s | %-26s | %-8s | %-8s | %s%n";
    System.out.printf(format, "measure", "Celery 5 (prefork x" + o.concurrency + ")", "Celeriac", "PerfTest 2.22.1",
        "/Celery", "/PerfTest", "target");
    System.out.println("-".repeat(40) + ("-+-" + "-".repeat(26)).repeat(3) + ("-+-" + "-".repeat(8)).repeat(2)
        + "-+-" + "-".repeat(30));
    row(format, "1. enqueue one at a time (" + String.format(Locale.ROOT, "%,d", o.enqueueMessages) + ")",
        "enqueue", "enqueue.celeriac", false);
    row(format, "2. batch enqueue (" + String.format(Locale.ROOT, "%,d", o.messages) + ", batches of "
        + String.format(Locale.ROOT, "%,d", o.batchSize) + ")", "batch", "batch.celeriac", false);
    for (Integer prefetch : o.prefetches) {
      String p = prefetch == null ? "default" : Integer.toString(prefetch);
      row(format, "3. drain " + String.format(Locale.ROOT, "%,d", o.messages) + ", -c " + o.concurrency
          + ", prefetch " + (prefetch == null ? "automatic" : p), "drain", "drain.celeriac." + p, true);
    }
    System.out.println();
    System.out.println("What each line measured:");
    System.out.println("  1. Celery: noop.delay(i) in a Python loop (Celery publishes without confirms, its default);"
        + " Celeriac: NoopTask.with().on(app).enqueue(i), each call returning once RabbitMQ confirmed it;"
        + " PerfTest: one producer, persistent, -c 1 (every publish waits for its confirm).");
    System.out.println("  2. Celery: noop.apply_async((i,), producer=p) on one shared producer; Celeriac: app.batch(),"
        + " one wait for the confirms of each batch; PerfTest: -c " + o.batchSize + " unconfirmed at most."
        + " PerfTest's lines are its own averages, JVM start included; its messages have a " + o.perfTestBodySize
        + "-byte body, about a Celeriac no-op message's size.");
    System.out.println("  3. Drain of a queue pre-filled with Celeriac-produced persistent protocol v2 messages by a"
        + " separate process: Celery `celery worker -P prefork -c " + o.concurrency + " -Q bench --without-mingle"
        + " --without-gossip --without-heartbeat -l warning`; Celeriac `run worker -Q bench -c " + o.concurrency
        + " [--prefetch N]`; PerfTest one consumer, manual acks one by one, qos " + o.perfTestQos + ". Timed from"
        + " the first message leaving the queue to the last one handled (the no-op that completes the count writes"
        + " its time; PerfTest says it reached its count); start-up excluded. Celery acks before running a task"
        + " (acks_late off), Celeriac after.");
    run.printNotes("Where the CPU went during each drain (per repetition):");
  }

  private void row(String format, String label, String prefix, String celeriacKey, boolean drain) {
    List<Double> celery = run.results(prefix + ".celery");
    List<Double> celeriac = run.results(celeriacKey);
    List<Double> perfTest = run.results(prefix + ".perftest");
    Double celeryMedian = median(celery);
    Double celeriacMedian = median(celeriac);
    Double perfTestMedian = median(perfTest);
    String vsCelery = celeryMedian != null && celeriacMedian != null
        ? String.format(Locale.ROOT, "%.1fx", celeriacMedian / celeryMedian) : "n/a";
    String vsPerfTest = perfTestMedian != null && celeriacMedian != null
        ? String.format(Locale.ROOT, "%.0f%%", 100 * celeriacMedian / perfTestMedian) : "n/a";
    String verdict = "";
    if (drain) {
      String a = celeryMedian == null || celeriacMedian == null ? "n/a"
          : celeriacMedian / celeryMedian >= 4 ? "PASS" : "MISS";
      String b = perfTestMedian == null || celeriacMedian == null ? "n/a"
          : celeriacMedian / perfTestMedian >= 0.8 ? "PASS" : "MISS";
      verdict = ">= 4x Celery: " + a + ", >= 80% PerfTest: " + b;
    }
    System.out.printf(format, label, cell(celery, celeryMedian), cell(celeriac, celeriacMedian),
        cell(perfTest, perfTestMedian), vsCelery, vsPerfTest, verdict);
  }

  // ---------------------------------------------------------------- RabbitMQ helpers

  /**
   * Empties the queue, and checks that it stays empty: messages a producer without confirms (Celery) sent
   * just before may still be on their way into it.
   */
  private void purge() throws Exception {
    long quiet = System.nanoTime();
    long deadline = quiet + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() - quiet < TimeUnit.MILLISECONDS.toNanos(300)) {
      if (channel.queuePurge(QUEUE).getMessageCount() > 0 || ready() > 0) {
        quiet = System.nanoTime();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("'" + QUEUE + "' keeps filling after a purge");
      }
      Thread.sleep(50);
    }
  }

  private long ready() throws IOException {
    return channel.queueDeclarePassive(QUEUE).getMessageCount();
  }

  /** Dead letters of the queue; none when Celeriac never declared its dead-letter queue. */
  private long dead() throws Exception {
    // A passive declare of a missing queue closes its channel: use one of its own.
    try (Channel probe = connection.createChannel()) {
      return probe.queueDeclarePassive(QUEUE + ".dead").getMessageCount();
    } catch (IOException e) {
      if (String.valueOf(e.getCause()).contains("NOT_FOUND")) {
        return 0;
      }
      throw e;
    } catch (com.rabbitmq.client.AlreadyClosedException e) {
      return 0;
    }
  }

  /** Waits up to 10 s for the queue to hold {@code expected}: what Celery sends unconfirmed arrives late. */
  private void expectReady(long expected, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    long queued = ready();
    while (queued < expected && System.nanoTime() < deadline) {
      Thread.sleep(50);
      queued = ready();
    }
    if (queued != expected) {
      throw new IllegalStateException(what + ": expected " + expected + " messages in '" + QUEUE + "', found "
          + queued);
    }
  }

  /** CPU seconds of the RabbitMQ server (its Erlang VM, beam.smp), or 0 when it isn't found. */
  private static double rabbitCpu() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("beam.smp")).orElse(false))
        .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains("rabbit")).orElse(false))
        .mapToDouble(p -> p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0))
        .sum();
  }

  private void pythonEnvironment(Map<String, String> env) {
    BenchRun.pythonEnvironment(env, o.amqpUrl, o.pythonDir);
  }

  private void close() {
    try {
      connection.close();
    } catch (IOException | RuntimeException e) {
      // closing at exit
    }
    app.close();
  }

  // ---------------------------------------------------------------- options

  static final class Options {
    static final String USAGE = String.join("\n",
        "usage: AmqpBench --perftest-classpath CP [options]",
        "  --amqp URL             amqp://guest:guest@127.0.0.1:5672/celeriac-bench (queue 'bench' is purged)",
        "  --messages N           batch enqueue and drain size, default 40000",
        "  --enqueue-messages N   one-at-a-time enqueue size, default 10000",
        "  --reps N               repetitions, default 3",
        "  --batch-size N         Celeriac batch size and PerfTest's unconfirmed maximum, default 1000",
        "  --warmup N             messages sent before timing one-at-a-time enqueues, default 1000",
        "  --batch-warmup N       messages sent before timing batch enqueues, default 10000",
        "  --prefetch LIST        Celeriac worker prefetches, 'default' = automatic; default 'default'",
        "  --concurrency N        worker concurrency of Celery and Celeriac, default 2",
        "  --phases LIST          enqueue,batch,drain (default all)",
        "  --sides LIST           celery,celeriac,perftest (default all)",
        "  --perftest-classpath CP  class path of com.rabbitmq:perf-test:2.22.1 (bin/bench-amqp resolves it)",
        "  --perftest-qos N       PerfTest consumer's qos, default 512 (Celeriac's largest automatic window)",
        "  --perftest-body N      PerfTest message body size, default 600",
        "  --python PATH          default /usr/bin/python3",
        "  --python-dir DIR       where benchapp.py is, default benchmarks/src/main/python",
        "  --log-dir DIR          default benchmarks/target/bench-logs/amqp",
        "  --worker-jvm-opts STR  extra JVM options of the Celeriac worker, space-separated",
        "  --poll-micros N        drain poll interval, default 2000",
        "  --timeout-seconds N    bound on one measurement, default 600");

    String amqpUrl = "amqp://guest:guest@127.0.0.1:5672/celeriac-bench";
    int messages = 40_000;
    int enqueueMessages = 10_000;
    int reps = 3;
    int batchSize = 1000;
    int warmup = 1000;
    int batchWarmup = 10_000;
    List<Integer> prefetches = Arrays.asList((Integer) null);
    int concurrency = 2;
    List<String> phases = List.of("enqueue", "batch", "drain");
    List<String> sides = SIDES;
    String perfTestClasspath;
    int perfTestQos = 512;
    int perfTestBodySize = 600;
    String python = "/usr/bin/python3";
    Path pythonDir = Path.of("benchmarks/src/main/python");
    Path logDir = Path.of("benchmarks/target/bench-logs/amqp");
    List<String> workerJvmOptions = List.of();
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
          case "--amqp" -> o.amqpUrl = value;
          case "--messages" -> o.messages = BenchRun.positive(flag, value);
          case "--enqueue-messages" -> o.enqueueMessages = BenchRun.positive(flag, value);
          case "--reps" -> o.reps = BenchRun.positive(flag, value);
          case "--batch-size" -> o.batchSize = BenchRun.positive(flag, value);
          case "--warmup" -> o.warmup = Integer.parseInt(value);
          case "--batch-warmup" -> o.batchWarmup = Integer.parseInt(value);
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
          case "--sides" -> {
            o.sides = List.of(value.split(","));
            for (String side : o.sides) {
              if (!SIDES.contains(side)) {
                throw new IllegalArgumentException("unknown side " + side + "; sides are " + SIDES);
              }
            }
          }
          case "--perftest-classpath" -> o.perfTestClasspath = value;
          case "--perftest-qos" -> o.perfTestQos = BenchRun.positive(flag, value);
          case "--perftest-body" -> o.perfTestBodySize = BenchRun.positive(flag, value);
          case "--python" -> o.python = value;
          case "--python-dir" -> o.pythonDir = Path.of(value);
          case "--log-dir" -> o.logDir = Path.of(value);
          case "--worker-jvm-opts" -> o.workerJvmOptions = value.isBlank() ? List.of() : List.of(value.strip().split("\\s+"));
          case "--poll-micros" -> o.pollMicros = BenchRun.positive(flag, value);
          case "--timeout-seconds" -> o.timeoutSeconds = BenchRun.positive(flag, value);
          default -> throw new IllegalArgumentException("unknown option " + flag);
        }
      }
      if (o.sides.contains("perftest") && (o.perfTestClasspath == null || o.perfTestClasspath.isBlank())) {
        throw new IllegalArgumentException("--perftest-classpath is required to run PerfTest (or --sides without it)");
      }
      URI.create(o.amqpUrl);
      o.pythonDir = o.pythonDir.toAbsolutePath();
      o.logDir = o.logDir.toAbsolutePath();
      if (!Files.isRegularFile(o.pythonDir.resolve("benchapp.py"))) {
        throw new IllegalArgumentException("no benchapp.py in " + o.pythonDir + " (--python-dir)");
      }
      return o;
    }

  }
}
