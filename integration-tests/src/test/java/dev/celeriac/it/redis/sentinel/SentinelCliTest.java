package dev.celeriac.it.redis.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.cli.Main;
import dev.celeriac.it.TestRuns;
import dev.celeriac.it.WorkerProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The command line on {@code sentinel://} URLs: it uses one as any broker URL; a malformed one, one without a
 * master name, or a master name no Sentinel knows exits 2 at once, and Sentinels that do not answer exit 1 after
 * {@code broker.connect-timeout-seconds}; either way with one line, without the password or a stack trace.
 */
@Tag("redis")
class SentinelCliTest {

  private static final String PASSWORD = SentinelCluster.PASSWORD;
  /** A line of a stack trace, as slf4j-simple prints one after the message. */
  private static final Pattern TRACE = Pattern.compile("(?m)^(\\s+at |Caused by: |\\s+\\.\\.\\. \\d+ more)");

  private static SentinelCluster cluster;
  private static Path dir;

  @BeforeAll
  static void startCluster() throws IOException {
    dir = TestRuns.runDir("sentinel-cli");
    cluster = SentinelCluster.start(dir, 0, 1);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void queuesReadsTheMasterTheSentinelsName() {
    try (Celeriac app = Celeriac.connect(cluster.urlWithMasterName(2))) {
      SentinelRunTask.with().on(app).enqueue(1L);
    }

    Cli queues = cli("queues", "--broker", cluster.urlWithMasterName(2));

    assertEquals(0, queues.exit(), queues.err());
    assertTrue(queues.out().lines().anyMatch(line -> line.matches("sentinel\\s+1\\s+0\\s+0\\s+0\\s+\\d+")),
        queues.out());
    assertTrue(queues.out().contains("broker sentinel://:***@127.0.0.1:"), queues.out());
    assertFalse(queues.out().contains(PASSWORD), queues.out());
  }

  @Test
  void aMasterNameNoSentinelKnowsExitsTwo() {
    Cli queues = cli("queues", "--broker", cluster.url(0) + "?master_name=no-such-master");

    assertOneLine(queues, Main.USAGE, "has no master named 'no-such-master'");
  }

  @Test
  void aSentinelUrlWithoutAMasterNameExitsTwo() {
    Cli queues = cli("queues", "--broker", cluster.url(0));

    assertOneLine(queues, Main.USAGE, "names no master");
  }

  @Test
  void aMalformedSentinelUrlExitsTwo() {
    Cli queues = cli("queues", "--broker", "sentinel://:" + PASSWORD + "@127.0.0.1:1;;sentinel://h2?master_name=m");

    assertOneLine(queues, Main.USAGE, "empty address");
  }

  @Test
  void sentinelsThatDoNotAnswerExitOneAtOnceForAnInspectingCommand() throws IOException {
    Cli queues = cli("queues", "--broker", deadSentinels());

    assertOneLine(queues, Main.FAILURE, "no Sentinel answered");
  }

  @Test
  void aWorkerWaitsForSentinelsForTheConnectTimeoutThenExitsOne() throws Exception {
    Path conf = TestRuns.writeConf(dir, "dead-sentinels.properties", Map.of("broker.connect-timeout-seconds", "2",
        "redis.sentinel.master-name", SentinelCluster.MASTER_NAME));
    String url = deadSentinels().replace("?master_name=" + SentinelCluster.MASTER_NAME, "");
    long started = System.nanoTime();
    String log = runWorkerToExit("dead-sentinels", conf, Main.FAILURE, url);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    List<String> reasons = log.lines().filter(line -> line.startsWith("celeriac: ")).toList();
    assertEquals(1, reasons.size(), log);
    assertTrue(reasons.get(0).contains("did not answer within 2 s (no Sentinel answered: "), log);
    assertTrue(took.compareTo(Duration.ofSeconds(2)) >= 0, "gave up after " + took);
  }

  @Test
  void aWorkerGivenAnUnknownMasterNameInItsConfigurationExitsTwo() throws Exception {
    Path conf = TestRuns.writeConf(dir, "unknown-master.properties",
        Map.of("redis.sentinel.master-name", "no-such-master"));
    String log = runWorkerToExit("unknown-master", conf, Main.USAGE, cluster.url(0));

    List<String> reasons = log.lines().filter(line -> line.startsWith("celeriac: ")).toList();
    assertEquals(1, reasons.size(), log);
    assertTrue(reasons.get(0).contains("has no master named 'no-such-master'"), log);
  }

  /** Runs {@code run worker} in a JVM of its own until it exits with {@code exit}; returns its log. */
  private static String runWorkerToExit(String name, Path conf, int exit, String url) throws Exception {
    try (WorkerProcess worker = WorkerProcess.start(dir, name, System.getProperty("java.class.path"), conf,
        "-Q", "sentinel", "--broker", url)) {
      assertTrue(worker.process.waitFor(60, TimeUnit.SECONDS), "still running:\n" + worker.logText());
      String log = worker.logText();
      assertEquals(exit, worker.process.exitValue(), log);
      assertFalse(TRACE.matcher(log).find(), log);
      assertFalse(log.contains(PASSWORD), log);
      return log;
    }
  }

  /** A sentinel URL whose two Sentinels are ports nothing listens on. */
  private static String deadSentinels() throws IOException {
    return "sentinel://:" + PASSWORD + "@127.0.0.1:" + SentinelCluster.freePort() + ";sentinel://127.0.0.1:"
        + SentinelCluster.freePort() + "?master_name=" + SentinelCluster.MASTER_NAME;
  }

  private record Cli(int exit, String out, String err) {}

  private static Cli cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Cli(exit, out.toString(), err.toString());
  }

  private static void assertOneLine(Cli cli, int exit, String reason) {
    assertEquals(exit, cli.exit(), cli.err());
    assertEquals(1, cli.err().lines().count(), cli.err());
    assertTrue(cli.err().startsWith("celeriac: ") && cli.err().contains(reason), cli.err());
    assertFalse(cli.err().contains(PASSWORD), cli.err());
  }
}
