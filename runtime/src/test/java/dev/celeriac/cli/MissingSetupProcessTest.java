package dev.celeriac.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a new user forgets, as the command line meets it: no broker configured (the {@code memory://} fallback,
 * whose messages only this process sees) and no task index on the class path (the processor left out of the
 * build). A worker or cron process refuses both with exit 2 and one line saying what to do, instead of running
 * without effect; an explicit {@code memory://} is taken as meant.
 */
class MissingSetupProcessTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Path dir = Path.of("target", "process-tests", "missing-setup-" + UUID.randomUUID()).toAbsolutePath();

  @ParameterizedTest
  @ValueSource(strings = {"worker", "cron"})
  void aWorkerOrCronWithoutABrokerRefusesTheMemoryFallback(String process) throws Exception {
    ChildJvm.Finished run = ChildJvm.runToExit(dir, "no-broker-" + process, TIMEOUT, "run", process);

    assertEquals(Main.USAGE, run.exit(), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().startsWith("celeriac: no broker configured for run " + process + ": set BROKER_URL"),
        run.err());
    assertTrue(run.err().contains("--broker memory://"), run.err());
    assertEquals("", run.out());
  }

  @Test
  void aWorkerTakesMemoryGivenExplicitly() throws Exception {
    Path conf = dir.resolve("celeriac.properties");
    Files.createDirectories(dir);
    Files.writeString(conf, "broker.url=memory://\n");
    for (Map<String, String> env : java.util.List.of(Map.of("BROKER_URL", "memory://"),
        Map.of("CELERIAC_CONF", conf.toString()))) {
      try (ChildJvm worker = ChildJvm.start(dir, "memory-" + env.keySet().iterator().next(), Map.of(), env,
          "run", "worker", "-c", "1")) {
        worker.awaitOutput("Worker consuming", TIMEOUT);
        worker.terminate();
        assertEquals(0, worker.awaitExit(TIMEOUT), worker.output());
        assertFalse(worker.output().contains("WARN"), worker.output());
      }
    }
  }

  @Test
  void aCommandOnTheMemoryFallbackWarnsOnce() throws Exception {
    ChildJvm.Finished run = ChildJvm.runToExit(dir, "queues-on-fallback", TIMEOUT, "queues");

    assertEquals(0, run.exit(), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().contains("WARN dev.celeriac.Celeriac - No broker configured"), run.err());
    assertTrue(run.err().contains("using memory://, whose messages live only in this JVM"), run.err());
  }

  @Test
  void aWorkerWithoutATaskIndexRefusesToStart() throws Exception {
    ChildJvm.Finished run = ChildJvm.runToExitOn(ChildJvm.classPathWithoutTests(), dir, "no-index", TIMEOUT,
        Map.of(), "run", "worker", "--broker", "memory://");

    assertEquals(Main.USAGE, run.exit(), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().startsWith("celeriac: no task index on the class path"), run.err());
    assertTrue(run.err().contains("<annotationProcessorPaths><path><groupId>dev.celeriac</groupId>"
        + "<artifactId>celeriac-processor</artifactId>"), run.err());
    assertFalse(run.err().contains("Worker consuming"), run.err());
  }
}
