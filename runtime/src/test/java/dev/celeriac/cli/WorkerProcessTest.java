package dev.celeriac.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code run worker} as an operator runs it: a process that stops cleanly on SIGTERM and exits 0. */
class WorkerProcessTest {

  @Test
  void sigtermStopsTheWorkerAndExitsZero() throws Exception {
    try (ChildJvm worker = ChildJvm.start(Path.of("target", "process-tests"), "memory-worker", Map.of(), Map.of(),
        "run", "worker", "-c", "2", "--broker", "memory://")) {
      worker.awaitOutput("Worker consuming", Duration.ofSeconds(30));
      worker.terminate();
      assertEquals(0, worker.awaitExit(Duration.ofSeconds(30)), worker.output());
    }
  }

  /** timeout(1) and other process-group kills deliver one SIGTERM twice, microseconds apart. */
  @Test
  void twoSigtermsAtOnceAreOneGracefulStop() throws Exception {
    try (ChildJvm worker = ChildJvm.start(Path.of("target", "process-tests"), "memory-worker-twice", Map.of(),
        Map.of(), "run", "worker", "-c", "2", "--broker", "memory://")) {
      worker.awaitOutput("Worker consuming", Duration.ofSeconds(30));
      worker.terminate();
      worker.terminate();
      assertEquals(0, worker.awaitExit(Duration.ofSeconds(30)), worker.output());
    }
  }
}
