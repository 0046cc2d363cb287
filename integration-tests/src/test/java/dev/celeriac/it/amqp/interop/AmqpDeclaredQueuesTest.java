package dev.celeriac.it.amqp.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.TaskRef;
import dev.celeriac.it.amqp.ItRabbit;
import dev.celeriac.it.interop.InteropTasks;
import dev.celeriac.it.interop.InteropTasks.Run;
import dev.celeriac.it.interop.PyRecordTask;
import dev.celeriac.it.interop.PythonCelery;
import dev.celeriac.it.interop.RecordTask;
import dev.celeriac.testsupport.Processes;
import dev.celeriac.testsupport.Waits;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Queues a Python deployment declared with its own arguments, used from Java as they are, and a queue Java
 * declared used by a Celery worker, on vhost {@code celeriac-it}. Debian's Celery 5.2.6 declares them as a
 * deployment would, from {@code task_queues} with {@code queue_arguments}: a quorum queue and a priority queue
 * ({@code x-max-priority}). Celery 5.2 itself cannot consume a quorum queue (it asks for a channel-wide QoS, which
 * RabbitMQ refuses there), so on the quorum queue Python only produces.
 */
@Tag("rabbitmq")
@Tag("python")
class AmqpDeclaredQueuesTest {

  private static final String BROKER_URL = ItRabbit.URL;
  private static final String VHOST = ItRabbit.VHOST;

  @BeforeAll
  static void requireRabbitAndPythonCelery() {
    ItRabbit.reset();
    new PythonCelery(BROKER_URL, Map.of()).require("amqp");
  }

  @BeforeEach
  void cleanSlate() {
    ItRabbit.reset();
    InteropTasks.reset();
  }

  /** Celery with {@code task_queues} of one queue and its arguments. */
  private static PythonCelery deployment(String queue, String arguments) {
    return new PythonCelery(BROKER_URL, Map.of("INTEROP_TASK_QUEUES", "{\"" + queue + "\": " + arguments + "}"));
  }

  @Test
  void aQuorumQueueOfAPythonDeploymentTakesJavaAndPythonTasksAndJavaCountdowns() {
    long started = System.nanoTime();
    String queue = "py-quorum";
    PythonCelery python = deployment(queue, "{\"x-queue-type\": \"quorum\", \"x-message-ttl\": 3600000}");
    assertEquals(queue, python.command("declare-task-queues").get(0).get("queue"));
    List<String> ids = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      ids.add((String) python.command("send-to", queue, Integer.toString(n)).get(0).get("id"));
    }
    try (Celeriac app = Celeriac.create(CeleriacConfig.builder().brokerUrl(BROKER_URL).build())) {
      for (int n = 4; n <= 6; n++) {
        ids.add(RecordTask.with().on(app).queue(queue).enqueue(n, "java-" + n, 1).id());
      }
      TaskRef<?> countdown = RecordTask.with().on(app).queue(queue).countdown(Duration.ofMillis(1500))
          .enqueue(7, "java-countdown", 1);
      ids.add(countdown.id());
      Worker worker = app.worker(WorkerOptions.builder().queues(List.of(queue)).concurrency(2).build()).start();
      try {
        Waits.await("the 7 tasks to run on the quorum queue", Duration.ofSeconds(30),
            () -> InteropTasks.runs().size() >= 7, () -> "ran " + labels());
        Waits.sleep(Duration.ofMillis(500)); // a duplicate would show within this
      } finally {
        worker.stop();
      }
    }
    assertEquals(Set.copyOf(ids), InteropTasks.runs().stream().map(Run::id).collect(Collectors.toSet()));
    assertEquals(7, InteropTasks.runs().size(), "each ran once: " + labels());
    JsonNode declared = ItRabbit.queue(VHOST, queue);
    assertEquals("quorum", declared.path("type").asText());
    assertEquals(3600000, declared.path("arguments").path("x-message-ttl").asInt(), "as Python declared it");
    System.out.printf("amqp declared queues: a quorum queue Celery declared took 3 Python and 4 Java tasks (one a"
        + " countdown through the delay levels), each run once by a Java worker; %d ms%n", millisSince(started));
  }

  @Test
  void aPriorityQueueOfAPythonDeploymentRunsTheHighestPriorityFirst() {
    long started = System.nanoTime();
    String queue = "py-priority";
    PythonCelery python = deployment(queue, "{\"x-max-priority\": 10}");
    python.command("declare-task-queues");
    // Sent while nothing consumes, priorities mixed: 3 (Python), 1, 9, 5 (Java), 7 (Python).
    python.command("send-to", queue, "3", "3");
    try (Celeriac app = Celeriac.create(CeleriacConfig.builder().brokerUrl(BROKER_URL).build())) {
      for (int priority : new int[] {1, 9, 5}) {
        RecordTask.with().on(app).queue(queue).priority(priority).enqueue(priority, "java-" + priority, 1);
      }
      python.command("send-to", queue, "7", "7");
      // One at a time: each message RabbitMQ hands out is the highest priority left.
      Worker worker = app.worker(WorkerOptions.builder().queues(List.of(queue)).concurrency(1).prefetch(1).build())
          .start();
      try {
        Waits.await("the 5 tasks to run", Duration.ofSeconds(30), () -> InteropTasks.runs().size() >= 5,
            () -> "ran " + labels());
      } finally {
        worker.stop();
      }
    }
    assertEquals(List.of(9L, 7L, 5L, 3L, 1L), InteropTasks.runs().stream().map(Run::n).toList(),
        "highest priority first: " + labels());
    assertEquals(10, ItRabbit.queue(VHOST, queue).path("arguments").path("x-max-priority").asInt());
    System.out.printf("amqp declared queues: a priority queue Celery declared ran Java and Python tasks by priority"
        + " %s; %d ms%n", InteropTasks.runs().stream().map(Run::n).toList(), millisSince(started));
  }

  @Test
  void aCeleryWorkerConsumesAClassicQueueJavaDeclared() throws Exception {
    long started = System.nanoTime();
    long stamp = System.currentTimeMillis();
    Path records = PythonCelery.logDir().resolve("declared-py-records-" + stamp + ".jsonl");
    Path log = PythonCelery.logDir().resolve("declared-celery-worker-" + stamp + ".log");
    PythonCelery python = new PythonCelery(BROKER_URL, Map.of("INTEROP_RECORDS_FILE", records.toString()));
    List<String> ids = new ArrayList<>();
    try (Celeriac app = Celeriac.create(CeleriacConfig.builder().brokerUrl(BROKER_URL).build())) {
      // Java first: the enqueue declares the queue, as Celery would.
      for (long n = 0; n < 5; n++) {
        ids.add(PyRecordTask.with().on(app).enqueue(n, "java-declared-" + n).id());
      }
    }
    JsonNode declared = ItRabbit.queue(VHOST, "interop-py");
    assertEquals("classic", declared.path("type").asText());
    assertEquals(0, declared.path("arguments").size(), declared.toString());
    Process celery = python.startWorker("interop-py", log);
    try {
      Waits.await("the Celery worker to run the 5 tasks", Duration.ofSeconds(60), () -> lines(records) >= 5,
          () -> "recorded " + lines(records) + ", worker alive " + celery.isAlive() + "\n"
              + PythonCelery.tail(log, 30));
    } finally {
      Processes.stop(celery);
    }
    String recorded = Files.readString(records);
    for (String id : ids) {
      assertTrue(recorded.contains(id), id + " ran on Celery:\n" + recorded);
    }
    System.out.printf("amqp declared queues: Celery 5.2.6 consumed the classic queue Java declared, 5 tasks; %d ms%n",
        millisSince(started));
  }

  private static long lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file).stream().filter(line -> !line.isBlank()).count() : 0;
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> labels() {
    return InteropTasks.runs().stream().map(Run::label).toList();
  }

  private static long millisSince(long started) {
    return Duration.ofNanos(System.nanoTime() - started).toMillis();
  }
}
