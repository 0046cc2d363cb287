package dev.celeriac.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.ConfigurationException;
import dev.celeriac.TaskRegistry;
import dev.celeriac.broker.BrokerUrl;
import dev.celeriac.broker.memory.MemoryBroker;
import dev.celeriac.fixtures.TestIndex;
import dev.celeriac.logging.RecordingLogs;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * The queues a worker consumes must lead to tasks it can run: without any (the processor was left out of the build,
 * or the class path holds only tasks implemented elsewhere) it refuses to start rather than dead-letter every
 * message it takes; a queue named that no task implemented here uses is worth one warning line.
 */
class WorkerQueuesTest {

  private final MemoryBroker broker = MemoryBroker.forUrl(BrokerUrl.parse("memory://queues-" + UUID.randomUUID()),
      Clock.systemUTC());

  @Test
  void aWorkerWithoutATaskIndexRefusesToStart() {
    for (List<String> queues : List.of(List.<String>of(), List.of("celery"))) {
      ConfigurationException e = assertThrows(ConfigurationException.class, () -> worker(TaskRegistry.of(List.of()),
          queues));
      assertTrue(e.getMessage().startsWith("no task index on the class path: this worker has no task to run and"
          + " would dead-letter every message it takes."), e.getMessage());
      assertTrue(e.getMessage().contains("<annotationProcessorPaths><path><groupId>dev.celeriac</groupId>"
          + "<artifactId>celeriac-processor</artifactId></path></annotationProcessorPaths>"), e.getMessage());
    }
  }

  @Test
  void aWorkerWhoseTasksAreAllImplementedElsewhereRefusesToStart() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> worker(TaskRegistry.of(List.of(TestIndex.REMOTE)), List.of()));
    assertEquals("no task on the class path is implemented here: the task index declares only tasks implemented"
        + " elsewhere ([py.remote]), so this worker would dead-letter every message it takes; put the jar of the"
        + " module that implements them on its class path", e.getMessage());
  }

  @Test
  void aQueueNoImplementedTaskUsesIsOneWarningLine() {
    TaskRegistry registry = TaskRegistry.of(List.of(TestIndex.FLAKY, TestIndex.REMOTE));
    int before = RecordingLogs.lines().size();

    Worker worker = worker(registry, List.of("math", "nosuch", "python")).start();
    worker.stop(Duration.ofSeconds(5));

    List<RecordingLogs.Line> warnings = RecordingLogs.lines().subList(before, RecordingLogs.lines().size()).stream()
        .filter(line -> line.logger().equals(Worker.class.getName()) && line.level() == Level.WARN).toList();
    assertEquals(1, warnings.size(), warnings.toString());
    assertEquals("No task implemented on this class path uses queues [nosuch, python]: their messages run here only"
        + " if they name a task implemented here, and are dead-lettered otherwise", warnings.get(0).message());
  }

  @Test
  void queuesOfImplementedTasksAreNoWarning() {
    int before = RecordingLogs.lines().size();

    worker(TaskRegistry.of(List.of(TestIndex.FLAKY)), List.of("math")).start().stop(Duration.ofSeconds(5));

    assertTrue(RecordingLogs.lines().subList(before, RecordingLogs.lines().size()).stream()
        .noneMatch(line -> line.level() == Level.WARN), RecordingLogs.lines().toString());
  }

  private Worker worker(TaskRegistry registry, List<String> queues) {
    return new Worker(BrokerRoles.of(broker), registry,
        WorkerOptions.builder().queues(queues).concurrency(1).build(), Clock.systemUTC());
  }
}
