package dev.celeriac.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.celeriac.TaskContext;
import dev.celeriac.TaskDefinition;
import dev.celeriac.TaskRegistry;
import dev.celeriac.broker.BrokerUrl;
import dev.celeriac.broker.memory.MemoryBroker;
import dev.celeriac.logging.RecordingLogs;
import dev.celeriac.protocol.KombuEnvelope;
import dev.celeriac.protocol.MessageCodec;
import dev.celeriac.testsupport.Waits;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * While a worker handles a message, SLF4J's MDC holds {@code task_id} and {@code task_name}: in the task's own
 * code and log lines, in the worker's log lines about that message (a dead letter's warning, a failure's error)
 * and in the listener calls about it; and nothing is left there for the next message. Read with {@code MDC.get}
 * and from the lines {@link RecordingLogs} saw printed, with the MDC of that moment.
 */
class WorkerMdcTest {

  private static final String QUEUE = "mdc";

  private final List<String> seen = new CopyOnWriteArrayList<>();
  /** The name of the worker's one slot thread. */
  private final String[] slot = {null};

  private final TaskDefinition reads = TaskDefinition.builder("tests.mdc.reads").queue(QUEUE)
      .origin("test#reads")
      .invoker(arguments -> {
        seen.add("task " + mdc());
        LoggerFactory.getLogger("tests.mdc").warn("a line the task logs");
      })
      .build();
  private final TaskDefinition fails = TaskDefinition.builder("tests.mdc.fails").queue(QUEUE)
      .origin("test#fails")
      .maxRetries(0)
      .invoker(arguments -> {
        throw new IllegalStateException("boom");
      })
      .build();

  private final WorkerListener listener = new WorkerListener() {
    @Override
    public void taskStarted(TaskContext task) {
      slot[0] = Thread.currentThread().getName();
      seen.add("started " + mdc());
    }

    @Override
    public void taskSucceeded(TaskContext task, Duration runtime) {
      seen.add("succeeded " + mdc());
    }

    @Override
    public void taskFailed(TaskContext task, Throwable cause) {
      seen.add("failed " + mdc());
    }

    @Override
    public void messageDeadLettered(String queue, String taskName, String taskId, DeadLetterCause cause,
        String reason) {
      seen.add("dead " + cause + " " + mdc());
    }
  };

  private static String mdc() {
    return MDC.get("task_id") + "/" + MDC.get("task_name");
  }

  @Test
  void taskIdAndNameAreInTheMdcWhileAMessageIsHandled() throws Exception {
    MemoryBroker broker = MemoryBroker.forUrl(BrokerUrl.parse("memory://mdc-" + UUID.randomUUID()),
        Clock.systemUTC());
    // One slot: every message is handled on the same thread, so a value left behind would show.
    WorkerOptions options = WorkerOptions.builder().queues(List.of(QUEUE)).concurrency(1).prefetch(1)
        .listener(listener).build();
    int linesBefore = RecordingLogs.lines().size();
    Worker worker = new Worker(BrokerRoles.of(broker), TaskRegistry.of(List.of(reads, fails)), options,
        Clock.systemUTC()).start();
    try {
      broker.publishRaw(QUEUE, envelope(reads.name(), "id-reads"));
      broker.publishRaw(QUEUE, envelope("tests.mdc.nobody", "id-unknown"));
      broker.publishRaw(QUEUE, envelope(fails.name(), "id-fails"));
      awaitSeen(7);
      // Undecodable: there is no id to put in the MDC, and nothing of the messages before is left there.
      broker.publishRaw(QUEUE, "not a kombu envelope".getBytes(StandardCharsets.UTF_8));
      awaitSeen(8);
    } finally {
      worker.stop(Duration.ofSeconds(10));
    }
    assertEquals(List.of(
        "started id-reads/tests.mdc.reads",
        "task id-reads/tests.mdc.reads",
        "succeeded id-reads/tests.mdc.reads",
        "dead UNKNOWN_TASK id-unknown/tests.mdc.nobody",
        "started id-fails/tests.mdc.fails",
        "failed id-fails/tests.mdc.fails",
        "dead RETRIES_EXHAUSTED id-fails/tests.mdc.fails",
        "dead UNDECODABLE null/null"), seen);

    Map<String, Map<String, String>> logged = new LinkedHashMap<>();
    // This test's lines: workers of earlier tests in this JVM had slot threads of the same name.
    for (RecordingLogs.Line line : RecordingLogs.lines().subList(linesBefore, RecordingLogs.lines().size())) {
      if (line.thread().equals(slot[0]) && (line.logger().equals("tests.mdc")
          || (line.logger().equals(TaskExecutor.class.getName()) && line.message().contains(" from " + QUEUE + ":"))
          || line.message().contains("tests.mdc."))) {
        logged.put(line.level() + " " + line.message().replaceAll(":.*", ""), line.mdc());
      }
    }
    assertEquals(Map.of(
        "WARN a line the task logs", mdc("id-reads", reads.name()),
        "WARN Dead-lettered tests.mdc.nobody[id-unknown] from mdc", mdc("id-unknown", "tests.mdc.nobody"),
        "ERROR Task tests.mdc.fails[id-fails] retries exhausted", mdc("id-fails", fails.name()),
        "WARN Dead-lettered tests.mdc.fails[id-fails] from mdc", mdc("id-fails", fails.name()),
        "WARN Dead-lettered null[null] from mdc", Map.of()), logged);
  }

  private static Map<String, String> mdc(String id, String name) {
    return Map.of("task_id", id, "task_name", name);
  }

  private static byte[] envelope(String task, String id) {
    return KombuEnvelope.encode(MessageCodec.newMessage(new MessageCodec.NewMessage(task, id, List.of(), Map.of(),
        null, null, null, null, null, null, Duration.ZERO)), QUEUE, UUID.randomUUID().toString());
  }

  private void awaitSeen(int count) {
    Waits.await(count + " events", Duration.ofSeconds(30), () -> seen.size() >= count, () -> "saw " + seen);
  }
}
