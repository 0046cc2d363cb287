package dev.celeriac.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.EnqueueOptions;
import dev.celeriac.broker.Delivery;
import dev.celeriac.broker.QueueStats;
import dev.celeriac.broker.amqp.TestRabbit;
import dev.celeriac.broker.redis.RedisSettings;
import dev.celeriac.broker.redis.TestRedis;
import dev.celeriac.fixtures.MathTasks;
import dev.celeriac.fixtures.TestIndex;
import dev.celeriac.protocol.MessageCodec;
import dev.celeriac.testsupport.Ports;
import dev.celeriac.testsupport.Waits;
import dev.celeriac.worker.Outcome;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * {@code run worker} and {@code run cron} as operators run them, in processes of their own, on the real Redis
 * and RabbitMQ: SIGTERM in the middle of a busy run, a second signal, the metrics endpoints, and two cron
 * processes racing for the same slot. What happened is read from the broker's counts and from the notes
 * the {@code tests.work} task writes when it starts and when it ends.
 */
@Tag("redis")
@Tag("rabbitmq")
class OperationsProcessTest {

  private static final String WORK = TestIndex.WORK.queue();
  private static final String CRON = TestIndex.TICK.queue();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private Path dir;
  private Path workLog;

  private String broker(String kind) throws IOException {
    dir = Path.of("target", "process-tests", kind + "-" + UUID.randomUUID()).toAbsolutePath();
    Files.createDirectories(dir);
    workLog = dir.resolve("work.log");
    System.setProperty(MathTasks.WORK_LOG, workLog.toString());
    if (kind.equals("redis")) {
      TestRedis.flush();
      return TestRedis.URL;
    }
    TestRabbit.reset();
    return TestRabbit.URL;
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis", "amqp"})
  void sigtermInABusyRunExitsZeroWithNothingLostOrHalfDone(String kind) throws Exception {
    String url = broker(kind);
    int tasks = 120;
    try (Celeriac app = Celeriac.connect(url)) {
      enqueueWork(app, tasks, 150);
      int port = Ports.free();
      try (ChildJvm worker = ChildJvm.start(dir, "worker", Map.of(MathTasks.WORK_LOG, workLog.toString()), Map.of(),
          "run", "worker", "-Q", WORK, "-c", "4", "--prefetch", "8", "--broker", url,
          "--metrics-port", Integer.toString(port))) {
        await("a dozen tasks to finish", Duration.ofSeconds(60), () -> ended().size() >= 12, worker::output);

        // The end-to-end scrape: per-task timers of the tasks this worker ran.
        String metrics = scrape(port);
        assertTrue(metrics.contains("celeriac_task_duration_seconds_count{task=\"tests.work\"}"), metrics);
        assertTrue(metrics.contains("celeriac_task_queue_latency_seconds_count{queue=\"work\",task=\"tests.work\"}"),
            metrics);
        assertTrue(metrics.contains("celeriac_task_outcomes_total{outcome=\"succeeded\",task=\"tests.work\"}"), metrics);

        worker.terminate();
        assertEquals(0, worker.awaitExit(Duration.ofSeconds(60)), worker.output());
      }
      Map<Integer, Integer> started = notes("start");
      Map<Integer, Integer> ended = ended();
      assertEquals(started, ended, "every task the worker started, it finished before exiting");
      assertTrue(ended.values().stream().allMatch(runs -> runs == 1), ended.toString());
      assertTrue(ended.size() < tasks, "the worker was stopped in the middle: it ran " + ended.size());
      // The broker holds the rest, ready: nothing in flight, nothing parked or dead.
      QueueStats left = settledStats(app, kind);
      assertEquals(tasks - ended.size(), left.ready(), left.toString());
      assertEquals(0, left.delayed() + left.dead(), left.toString());

      drain(app, url, tasks);
      Map<Integer, Integer> all = ended();
      assertEquals(tasks, all.size(), "every task ran: " + missing(all, tasks));
      assertTrue(all.values().stream().allMatch(runs -> runs == 1), "and once: " + all);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis", "amqp"})
  void aSecondSignalStopsAtOnceAndTheBrokerStillHasEveryTask(String kind) throws Exception {
    String url = broker(kind);
    int tasks = 16;
    try (Celeriac app = Celeriac.connect(url)) {
      enqueueWork(app, tasks, 1500);
      try (ChildJvm worker = ChildJvm.start(dir, "worker", Map.of(MathTasks.WORK_LOG, workLog.toString()), Map.of(),
          "run", "worker", "-Q", WORK, "-c", "4", "--broker", url)) {
        await("four tasks to start", Duration.ofSeconds(60), () -> notes("start").size() >= 4, worker::output);
        worker.terminate();
        worker.awaitOutput("stopping the worker gracefully", Duration.ofSeconds(10));
        // Later than Signals.REPEAT_NANOS: a second request, not the first delivered twice.
        Thread.sleep(500);
        worker.terminate();
        assertEquals(Signals.FORCED, worker.awaitExit(Duration.ofSeconds(10)), worker.output());
        assertTrue(worker.output().contains("second SIGTERM: stopping the worker at once"), worker.output());
      }
      assertTrue(notes("start").size() > ended().size(), "the forced stop cut runs short: " + notes("start"));

      // What the halted worker held comes back: RabbitMQ at once, Redis once its heartbeat lapses.
      drain(app, url, tasks);
      Map<Integer, Integer> all = ended();
      assertEquals(tasks, all.size(), "every task ran: " + missing(all, tasks));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis", "amqp"})
  void twoCronProcessesFireEachSlotOnceAndStopOnSigterm(String kind) throws Exception {
    String url = broker(kind);
    List<ChildJvm> crons = new ArrayList<>();
    try (Celeriac app = Celeriac.connect(url)) {
      try {
        // Both start within the grace of the current minute's slot, so both offer it.
        List<Integer> ports = List.of(Ports.free(), Ports.free());
        for (int i = 1; i <= 2; i++) {
          crons.add(ChildJvm.start(dir, "cron-" + i, Map.of(), Map.of(), "run", "cron", "--broker", url,
              "--metrics-port", Integer.toString(ports.get(i - 1))));
        }
        for (ChildJvm cron : crons) {
          cron.awaitOutput("cron: firing tests.tick (* * * * * (UTC))", Duration.ofSeconds(60));
        }
        await("a slot to be fired", Duration.ofSeconds(30), () -> app.broker().stats(CRON).ready() >= 1,
            () -> crons.get(0).output() + crons.get(1).output());
        // Both offer every slot: the one that did not publish the latest counts it as skipped. (Should a minute
        // turn meanwhile, the process that loses that slot counts it.)
        await("the other process to skip a slot", Duration.ofSeconds(90),
            () -> cronCounter(ports, "celeriac_cron_skipped_total") >= 1, () -> scrapes(ports));
        double fired = cronCounter(ports, "celeriac_cron_fired_total");
        assertTrue(fired >= 1 && fired <= app.broker().stats(CRON).ready(), fired + " fired; " + scrapes(ports));
        for (ChildJvm cron : crons) {
          cron.terminate();
        }
        for (ChildJvm cron : crons) {
          assertEquals(0, cron.awaitExit(Duration.ofSeconds(30)), cron.output());
        }
      } finally {
        crons.forEach(ChildJvm::close);
      }
      // Whether or not a minute turned meanwhile: every slot fired was fired by one process, once.
      List<String> fired = new ArrayList<>();
      for (ChildJvm cron : crons) {
        cron.output().lines().filter(line -> line.contains("Fired tests.tick for "))
            .map(line -> line.substring(line.indexOf("Fired tests.tick for ") + 21).split(" ", -1)[0])
            .forEach(fired::add);
      }
      assertTrue(!fired.isEmpty(), crons.get(0).output() + crons.get(1).output());
      assertEquals(new TreeSet<>(fired).size(), fired.size(), "a slot fired twice: " + fired);
      assertEquals(fired.size(), app.broker().stats(CRON).ready(), "one message per fired slot: " + fired);
    }
  }

  /**
   * A task still running when {@code worker.shutdown-timeout-seconds} runs out is interrupted, and its message
   * goes back to the queue unchanged (not as a retry); the worker still exits 0, as after any graceful stop.
   */
  @ParameterizedTest
  @ValueSource(strings = {"redis", "amqp"})
  void tasksPastTheShutdownTimeoutAreInterruptedAndTheirMessagesReturned(String kind) throws Exception {
    String url = broker(kind);
    Path conf = dir.resolve("celeriac.properties");
    Files.writeString(conf, "worker.shutdown-timeout-seconds=1\n");
    int tasks = 4;
    try (Celeriac app = Celeriac.connect(url)) {
      // Two minutes each: the two the worker runs would outlast the timeout many times over; two more wait.
      enqueueWork(app, tasks, 120_000);
      try (ChildJvm worker = ChildJvm.start(dir, "worker", Map.of(MathTasks.WORK_LOG, workLog.toString()),
          Map.of("CELERIAC_CONF", conf.toString()), "run", "worker", "-Q", WORK, "-c", "2", "--prefetch", "2",
          "--broker", url)) {
        await("two tasks to start", Duration.ofSeconds(60), () -> notes("start").size() >= 2, worker::output);
        worker.terminate();
        assertEquals(0, worker.awaitExit(Duration.ofSeconds(60)), worker.output());
        String output = worker.output();
        assertTrue(output.contains("Tasks still running after 1 s; interrupting them"), output);
        assertEquals(2, output.lines().filter(line -> line.contains("interrupted by shutdown; returned to " + WORK))
            .count(), output);
      }
      assertEquals(2, notes("start").size(), notes("start").toString());
      assertEquals(Map.of(), ended(), "no run finished");
      QueueStats left = settledStats(app, kind);
      assertEquals(tasks, left.ready(), left.toString());
      assertEquals(0, left.delayed() + left.dead(), left.toString());

      // Returned as they were: the first delivery of each task, not a retry.
      Set<Object> numbers = new TreeSet<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (numbers.size() < tasks && System.nanoTime() < deadline) {
        for (Delivery delivery : app.broker().fetch(List.of(WORK), tasks, Duration.ofSeconds(1))) {
          assertEquals(0, delivery.message().retries(), delivery.message().headers().toString());
          numbers.add(MessageCodec.decodeBody(delivery.message()).kwargs().get("n"));
          delivery.ack();
        }
      }
      assertEquals(Set.of(0, 1, 2, 3), numbers);
    }
  }

  /** SIGINT (Ctrl-C) stops {@code run worker} as SIGTERM does: exit 0, every started task finished, none lost. */
  @Test
  void sigintStopsTheWorkerGracefullyAsSigtermDoes() throws Exception {
    String url = broker("redis");
    int tasks = 40;
    try (Celeriac app = Celeriac.connect(url)) {
      enqueueWork(app, tasks, 200);
      try (ChildJvm worker = ChildJvm.startWithDefaultSigint(dir, "worker",
          Map.of(MathTasks.WORK_LOG, workLog.toString()), Map.of(), "run", "worker", "-Q", WORK, "-c", "2",
          "--prefetch", "4", "--broker", url)) {
        await("four tasks to finish", Duration.ofSeconds(60), () -> ended().size() >= 4, worker::output);
        worker.interrupt();
        assertEquals(0, worker.awaitExit(Duration.ofSeconds(60)), worker.output());
        assertTrue(worker.output().contains("SIGINT: stopping the worker gracefully"), worker.output());
      }
      Map<Integer, Integer> ended = ended();
      assertEquals(notes("start"), ended, "every task the worker started, it finished before exiting");
      assertTrue(ended.values().stream().allMatch(runs -> runs == 1), ended.toString());
      QueueStats left = app.broker().stats(WORK);
      assertEquals(tasks - ended.size(), left.ready(), left.toString());
      assertEquals(0, left.inFlight() + left.delayed() + left.dead(), left.toString());

      drain(app, url, tasks);
      Map<Integer, Integer> all = ended();
      assertEquals(tasks, all.size(), "every task ran: " + missing(all, tasks));
      assertTrue(all.values().stream().allMatch(runs -> runs == 1), "and once: " + all);
    }
  }

  /**
   * {@code run cron} stops at once on SIGTERM between slots; when its broker hangs in the middle of firing a
   * slot, the graceful stop waits for the reply (up to the 30 s socket timeout), and a second signal ends the
   * process at once with exit 1. The slot is not half-published: the hung request never reached Redis.
   */
  @Test
  void aSecondSignalStopsCronAtOnceWhileItsBrokerHangs() throws Exception {
    broker("redis");
    try (HangingProxy proxy = new HangingProxy(("celeriac:cron:" + TestIndex.TICK.name())
        .getBytes(StandardCharsets.UTF_8))) {
      String url = "redis://127.0.0.1:" + proxy.port() + "/" + TestRedis.DATABASE;
      try (ChildJvm cron = ChildJvm.start(dir, "cron", Map.of(), Map.of(), "run", "cron", "--broker", url)) {
        await("the cron to fire its first slot into the hanging connection", Duration.ofSeconds(60), proxy::holds,
            cron::output);
        cron.terminate();
        cron.awaitOutput("SIGTERM: stopping the cron gracefully", Duration.ofSeconds(10));
        // Later than Signals.REPEAT_NANOS: a second request, not the first delivered twice.
        Thread.sleep(500);
        assertTrue(cron.isAlive(), "the graceful stop waits for Redis:\n" + cron.output());
        cron.terminate();
        assertEquals(Signals.FORCED, cron.awaitExit(Duration.ofSeconds(10)), cron.output());
        assertTrue(cron.output().contains("second SIGTERM: stopping the cron at once"), cron.output());
      }
    }
    try (Jedis redis = TestRedis.connect()) {
      assertEquals(0, redis.llen(CRON), "no message of the slot");
      assertFalse(redis.exists("celeriac:cron:" + TestIndex.TICK.name()), "no record of the slot");
    }
  }

  /**
   * A TCP proxy to the shared Redis that forwards both ways until a client sends bytes containing {@code
   * marker}; from then on it swallows what that connection sends, so the client waits for a reply that never
   * comes, as behind a network partition.
   */
  private static final class HangingProxy implements AutoCloseable {
    private final byte[] marker;
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean holds;

    HangingProxy(byte[] marker) throws IOException {
      this.marker = marker;
      Thread acceptor = new Thread(this::accept, "hanging-proxy");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    /** Whether a request with the marker arrived and was held back. */
    boolean holds() {
      return holds;
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          Socket upstream = new Socket(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), TestRedis.PORT);
          sockets.add(client);
          sockets.add(upstream);
          pump(client, upstream, true);
          pump(upstream, client, false);
        } catch (IOException e) {
          return;
        }
      }
    }

    private void pump(Socket from, Socket to, boolean watch) {
      Thread thread = new Thread(() -> {
        byte[] buffer = new byte[16384];
        byte[] seen = new byte[0];
        boolean held = false;
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
          for (int read; (read = in.read(buffer)) >= 0; ) {
            if (watch && !held) {
              // The end of the previous read too, in case the marker straddles two.
              byte[] window = new byte[seen.length + read];
              System.arraycopy(seen, 0, window, 0, seen.length);
              System.arraycopy(buffer, 0, window, seen.length, read);
              held = contains(window, marker);
              seen = java.util.Arrays.copyOfRange(window, Math.max(0, window.length - marker.length), window.length);
              if (held) {
                holds = true;
              }
            }
            if (!held) {
              out.write(buffer, 0, read);
              out.flush();
            }
          }
        } catch (IOException e) {
          // Closed: the test is over, or the client went away.
        }
      }, "hanging-proxy-pump");
      thread.setDaemon(true);
      thread.start();
    }

    private static boolean contains(byte[] data, byte[] part) {
      outer:
      for (int i = 0; i + part.length <= data.length; i++) {
        for (int j = 0; j < part.length; j++) {
          if (data[i + j] != part[j]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  private static void enqueueWork(Celeriac app, int tasks, int millis) {
    for (int n = 0; n < tasks; n++) {
      Map<String, Object> kwargs = new HashMap<>();
      kwargs.put("n", n);
      kwargs.put("millis", millis);
      app.send(TestIndex.WORK.name(), List.of(), kwargs, EnqueueOptions.DEFAULTS);
    }
  }

  /** Runs what is left of the work queue in this JVM; Redis takes back a halted worker's messages after 2 s. */
  private void drain(Celeriac app, String url, int tasks) throws InterruptedException {
    CeleriacConfig config = CeleriacConfig.builder().brokerUrl(url)
        .brokerSettings(RedisSettings.defaults().withHeartbeatTimeout(Duration.ofSeconds(2))).build();
    try (Celeriac drainer = Celeriac.create(config)) {
      Worker worker = drainer.worker(WorkerOptions.builder().queues(List.of(WORK)).concurrency(8).build()).start();
      await("every task to have run", Duration.ofSeconds(90), () -> ended().size() >= tasks,
          () -> "ran " + ended().size() + " of " + tasks + "; " + app.broker().stats(WORK));
      worker.stop();
      assertEquals(0, worker.count(Outcome.DEAD_LETTERED));
    }
  }

  /** The counts once RabbitMQ's management API has caught up (it samples every few seconds). */
  private static QueueStats settledStats(Celeriac app, String kind) throws InterruptedException {
    if (kind.equals("amqp")) {
      await("RabbitMQ to report nothing unacked", Duration.ofSeconds(30),
          () -> app.broker().stats(WORK).inFlight() == 0, () -> app.broker().stats(WORK).toString());
    }
    QueueStats stats = app.broker().stats(WORK);
    assertEquals(0, stats.inFlight(), stats.toString());
    return stats;
  }

  private Map<Integer, Integer> ended() {
    return notes("end");
  }

  /** How often each task noted {@code what} in the work log. */
  private Map<Integer, Integer> notes(String what) {
    Map<Integer, Integer> counts = new TreeMap<>();
    try {
      if (!Files.exists(workLog)) {
        return counts;
      }
      for (String line : Files.readAllLines(workLog)) {
        if (line.startsWith(what + " ")) {
          counts.merge(Integer.parseInt(line.substring(what.length() + 1)), 1, Integer::sum);
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return counts;
  }

  private static Set<Integer> missing(Map<Integer, Integer> ran, int tasks) {
    Set<Integer> missing = new TreeSet<>();
    for (int n = 0; n < tasks; n++) {
      if (!ran.containsKey(n)) {
        missing.add(n);
      }
    }
    return missing;
  }

  private static String scrape(int port) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    return response.body();
  }

  /** The sum over the cron processes' endpoints of {@code counter} for tests.tick, 0 where it is not served yet. */
  private static double cronCounter(List<Integer> ports, String counter) {
    String series = counter + "{task=\"" + TestIndex.TICK.name() + "\"} ";
    double sum = 0;
    for (int port : ports) {
      try {
        for (String line : scrape(port).lines().toList()) {
          if (line.startsWith(series)) {
            sum += Double.parseDouble(line.substring(series.length()));
          }
        }
      } catch (Exception e) {
        throw new AssertionError("scraping the cron process on port " + port + " failed", e);
      }
    }
    return sum;
  }

  private static String scrapes(List<Integer> ports) {
    StringBuilder cron = new StringBuilder();
    for (int port : ports) {
      try {
        scrape(port).lines().filter(line -> line.startsWith("celeriac_cron_"))
            .forEach(line -> cron.append(port).append(": ").append(line).append('\n'));
      } catch (Exception e) {
        cron.append(port).append(": ").append(e).append('\n');
      }
    }
    return cron.toString();
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
    Waits.await(what, timeout, condition::getAsBoolean, state);
  }
}
