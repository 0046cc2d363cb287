package dev.celeriac.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.EnqueueOptions;
import dev.celeriac.broker.TcpProxy;
import dev.celeriac.broker.amqp.TestRabbit;
import dev.celeriac.broker.redis.TestRedis;
import dev.celeriac.fixtures.MathTasks;
import dev.celeriac.fixtures.TestIndex;
import dev.celeriac.testsupport.Ports;
import dev.celeriac.testsupport.PrivateRedis;
import dev.celeriac.testsupport.Waits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code run worker} on a broker it cannot use, as an operator meets it in a terminal, logging included (the
 * sample jar's {@code info}). A mistake no retry mends (credentials the broker refuses, a host that does not
 * resolve) exits 2 at once; a broker that does not answer is waited for up to
 * {@code broker.connect-timeout-seconds}, then exit 1; either way with one line on standard error, without the
 * password or a stack trace. A broker that comes up within the timeout is used. Once running, a lost connection
 * is retried for as long as it takes, with one warning line per attempt and no stack trace.
 */
@Tag("redis")
@Tag("rabbitmq")
class UnusableBrokerProcessTest {

  /** Well below the default connect timeout of 30 s: what exits "at once" must exit within it. */
  private static final Duration AT_ONCE = Duration.ofSeconds(20);
  private static final String PASSWORD = "s3cret-pw";
  /** A line of a stack trace, as slf4j-simple prints one after the message. */
  private static final Pattern TRACE = Pattern.compile("(?m)^(\\s+at |Caused by: |\\s+\\.\\.\\. \\d+ more)");

  private final Path dir = Path.of("target", "process-tests", "unusable-broker-" + UUID.randomUUID())
      .toAbsolutePath();

  @ParameterizedTest
  @ValueSource(strings = {"redis", "amqp"})
  void refusedCredentialsExitTwoAtOnceWithOneLine(String kind) throws Exception {
    if (kind.equals("redis")) {
      try (PrivateRedis redis = PrivateRedis.start(dir, Ports.free(), "--requirepass", "the-right-one")) {
        assertRefusedAtOnce(kind, "redis://:" + PASSWORD + "@127.0.0.1:" + redis.port() + "/0", "refused");
      }
    } else {
      assertRefusedAtOnce(kind, "amqp://guest:" + PASSWORD + "@127.0.0.1:5672/" + TestRabbit.VHOST, "refused");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis://:" + PASSWORD + "@nosuchhost.invalid:6379/0",
      "amqp://guest:" + PASSWORD + "@nosuchhost.invalid:5672/celeriac-test"})
  void anUnknownHostExitsTwoAtOnceWithOneLine(String url) throws Exception {
    assertRefusedAtOnce(url.substring(0, url.indexOf(':')), url, "nosuchhost.invalid");
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis", "amqp"})
  void aBrokerThatDoesNotAnswerIsAwaitedForTheConnectTimeoutThenExitOne(String kind) throws Exception {
    int closed = Ports.free();
    String url = kind.equals("redis") ? "redis://:" + PASSWORD + "@127.0.0.1:" + closed + "/0"
        : "amqp://guest:" + PASSWORD + "@127.0.0.1:" + closed + "/celeriac-test";
    long started = System.nanoTime();
    ChildJvm.Finished worker = ChildJvm.runToExit(dir, "closed-" + kind, Duration.ofSeconds(60),
        Map.of("CELERIAC_CONF", conf("broker.connect-timeout-seconds=3").toString()), "run", "worker", "--broker", url);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertOneLineFailure(worker, Main.FAILURE);
    assertTrue(worker.err().contains("127.0.0.1:" + closed) && worker.err().contains("3 s"), worker.err());
    assertTrue(took.compareTo(Duration.ofSeconds(3)) >= 0, "gave up after " + took);
    assertTrue(took.compareTo(Duration.ofSeconds(3).plus(AT_ONCE)) < 0, "gave up after " + took);
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis", "amqp"})
  void aBrokerThatComesUpWithinTheConnectTimeoutIsUsed(String kind) throws Exception {
    String direct = reset(kind);
    Path workLog = dir.resolve("work.log");
    try (TcpProxy broker = TcpProxy.start(kind.equals("redis") ? TestRedis.PORT : 5672)) {
      broker.cut();
      try (ChildJvm worker = ChildJvm.start(dir, "late-" + kind, Map.of(MathTasks.WORK_LOG, workLog.toString()),
          Map.of(), "run", "worker", "-Q", TestIndex.WORK.queue(), "-c", "1", "--broker", via(direct, broker))) {
        Thread.sleep(3000); // a worker that must go on waiting for its broker: the sleep is the test
        assertTrue(worker.isAlive(), worker.output());
        assertFalse(worker.output().contains("Worker consuming"), worker.output());

        broker.restore();
        worker.awaitOutput("Worker consuming", Duration.ofSeconds(60));
        try (Celeriac producer = Celeriac.connect(direct)) {
          work(producer, 1);
        }
        await("the task to run", () -> notes(workLog).contains("end 1"), worker::output);
        worker.terminate();
        assertEquals(0, worker.awaitExit(Duration.ofSeconds(60)), worker.output());
        assertFalse(TRACE.matcher(worker.output()).find(), worker.output());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis", "amqp"})
  void aLostConnectionIsRetriedUntilItIsBackWithOneWarningLinePerAttempt(String kind) throws Exception {
    String direct = reset(kind);
    Path workLog = dir.resolve("work.log");
    try (TcpProxy broker = TcpProxy.start(kind.equals("redis") ? TestRedis.PORT : 5672);
        Celeriac producer = Celeriac.connect(direct);
        ChildJvm worker = ChildJvm.start(dir, "lost-" + kind, Map.of(MathTasks.WORK_LOG, workLog.toString()),
            Map.of(), "run", "worker", "-Q", TestIndex.WORK.queue(), "-c", "1", "--broker", via(direct, broker))) {
      worker.awaitOutput("Worker consuming", Duration.ofSeconds(60));
      work(producer, 1);
      await("the first task to run", () -> notes(workLog).contains("end 1"), worker::output);

      int before = worker.output().length();
      broker.cut();
      await("three warnings while the broker is away",
          () -> warnings(worker.output().substring(before)).size() >= 3, worker::output);
      broker.restore();
      work(producer, 2);
      await("a task to run after the broker came back", () -> notes(workLog).contains("end 2"), worker::output);
      worker.terminate();
      assertEquals(0, worker.awaitExit(Duration.ofSeconds(60)), worker.output());

      String output = worker.output();
      assertFalse(TRACE.matcher(output).find(), output);
      assertFalse(output.contains(" ERROR "), output);
      for (String warning : warnings(output.substring(before))) {
        assertTrue(warning.contains("127.0.0.1:" + broker.port()), "names the broker: " + warning);
      }
    }
  }

  /** Runs the worker on {@code url}: it must exit 2 well within the connect timeout, with one line naming {@code what}. */
  private void assertRefusedAtOnce(String kind, String url, String what) throws Exception {
    long started = System.nanoTime();
    ChildJvm.Finished worker = ChildJvm.runToExit(dir, "refused-" + kind, AT_ONCE.plusSeconds(30),
        "run", "worker", "--broker", url);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertOneLineFailure(worker, Main.USAGE);
    assertTrue(worker.err().contains(what), worker.err());
    assertTrue(took.compareTo(AT_ONCE) < 0, "exited after " + took);
  }

  private static void assertOneLineFailure(ChildJvm.Finished worker, int exit) {
    assertEquals(exit, worker.exit(), worker.err());
    assertEquals(1, worker.err().lines().count(), worker.err());
    assertTrue(worker.err().startsWith("celeriac: "), worker.err());
    assertFalse(worker.err().contains(PASSWORD), worker.err());
    assertEquals("", worker.out());
  }

  private Path conf(String... lines) throws IOException {
    Files.createDirectories(dir);
    Path conf = dir.resolve("celeriac.properties");
    Files.writeString(conf, String.join("\n", lines) + "\n");
    return conf;
  }

  /** The broker of {@code kind}, emptied; its URL. */
  private static String reset(String kind) {
    if (kind.equals("redis")) {
      TestRedis.flush();
      return TestRedis.URL;
    }
    TestRabbit.reset();
    return TestRabbit.URL;
  }

  /** {@code url} with its port replaced by the proxy's. */
  private static String via(String url, TcpProxy proxy) {
    return url.replaceFirst(":(" + TestRedis.PORT + "|5672)/", ":" + proxy.port() + "/");
  }

  /** A {@code tests.work} run that notes "end n" in the work log when it ran. */
  private static void work(Celeriac producer, int n) {
    producer.send(TestIndex.WORK.name(), List.of(), Map.of("n", n, "millis", 0), EnqueueOptions.DEFAULTS);
  }

  private static List<String> warnings(String output) {
    return output.lines().filter(line -> line.contains(" WARN ")).toList();
  }

  private static String notes(Path workLog) {
    try {
      return Files.exists(workLog) ? Files.readString(workLog, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void await(String what, BooleanSupplier done, java.util.function.Supplier<String> state) {
    Waits.await(what, Duration.ofSeconds(60), done::getAsBoolean, () -> "\n" + state.get());
  }
}
