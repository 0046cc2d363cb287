package dev.celeriac.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code run worker} as an operator runs it: a process that stops cleanly on SIGTERM and exits 0. */
class WorkerProcessTest {

  @Test
  void sigtermStopsTheWorkerAndExitsZero() throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    Process worker = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", Main.class.getName(),
        "run", "worker", "-c", "2", "--broker", "memory://"))
        .redirectErrorStream(true)
        .start();
    try (BufferedReader output = new BufferedReader(
        new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      StringBuilder seen = new StringBuilder();
      while ((line = output.readLine()) != null && !line.contains("Worker consuming")) {
        seen.append(line).append('\n');
      }
      assertTrue(line != null, "worker never started:\n" + seen);

      worker.destroy();

      assertTrue(worker.waitFor(30, TimeUnit.SECONDS), "worker did not stop within 30 s");
      assertEquals(0, worker.exitValue());
    } finally {
      worker.destroyForcibly();
    }
  }
}
