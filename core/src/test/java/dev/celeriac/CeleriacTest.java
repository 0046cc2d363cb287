package dev.celeriac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.broker.memory.MemoryBroker;
import dev.celeriac.fixtures.AddTask;
import dev.celeriac.fixtures.MathTasks;
import dev.celeriac.fixtures.TestIndex;
import dev.celeriac.logging.RecordingLogs;
import dev.celeriac.protocol.MessageCodec;
import dev.celeriac.testsupport.Waits;
import dev.celeriac.worker.Outcome;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The app object end to end on the memory broker: stubs, registry discovery, eager mode, workers. */
class CeleriacTest {

  private Celeriac app;

  @BeforeEach
  void setUp() {
    MathTasks.RUNS.clear();
    app = Celeriac.connect("memory://app-" + UUID.randomUUID());
  }

  @AfterEach
  void tearDown() {
    Celeriac.setDefault(null);
    app.close();
  }

  @Test
  void registryFindsTheIndexThroughServiceLoader() {
    assertEquals(List.of("py.remote", "tests.add", "tests.block", "tests.flaky", "tests.tags", "tests.tick",
        "tests.work"),
        app.registry().tasks().stream().map(TaskDefinition::name).toList());
    assertEquals(List.of("cron", "math", "slow", "work"), app.registry().implementedQueues());
  }

  @Test
  void stubEnqueuesAndWorkerRuns() throws Exception {
    AddTask.with().on(app).enqueue(2, 3);
    AddTask.with().on(app).enqueue(4, 5, Map.of("trace", "abc"));

    runUntil(2);

    assertEquals(java.util.Set.of("add:2+3", "add:4+5 {trace=abc}"), java.util.Set.copyOf(MathTasks.RUNS));
  }

  @Test
  void stubsUseTheDefaultApp() throws Exception {
    Celeriac.setDefault(app);
    TaskRef<Void> ref = AddTask.enqueue(1, 1);

    assertEquals("tests.add", ref.name());
    assertEquals("math", ref.queue());
    assertEquals(1, ((MemoryBroker) app.broker()).readyCount("math"));
  }

  @Test
  void withoutDefaultAppTheStubSaysWhatToDo() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> AddTask.enqueue(1, 1));
    assertTrue(e.getMessage().contains("Celeriac.setDefault"));
  }

  @Test
  void optionsReachTheMessage() throws Exception {
    TaskRef<Void> ref = AddTask.with().on(app).queue("other").priority(3).countdown(Duration.ofHours(1))
        .expires(Duration.ofHours(2)).enqueue(1, 2);

    MemoryBroker broker = (MemoryBroker) app.broker();
    assertEquals("other", ref.queue());
    assertEquals(1, broker.delayedCount("other"));
    assertEquals(0, broker.readyCount("math"));
  }

  /** The queue rule the processor applies to {@code @Task(queue = ...)} holds for a queue chosen at enqueue too. */
  @Test
  void aQueueChosenAtEnqueueIsAQueueName() {
    for (String queue : List.of("", " ", "two words", "tab\tbed")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> AddTask.with().on(app).queue(queue), queue);
      assertTrue(e.getMessage().contains("must not be blank or contain white space"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> Signature.of("tests.add", List.of(), Map.of()).queue(queue), queue);
    }
    assertEquals("events:high", AddTask.with().on(app).queue("events:high").enqueue(1, 2).queue());
  }

  @Test
  void extrasMayNotRepeatAParameter() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AddTask.with().on(app).enqueue(1, 2, Map.of("x", 5)));
    assertTrue(e.getMessage().contains("extras key 'x' is a parameter of task 'tests.add'"));
  }

  @Test
  void oversizedMessageIsRefusedWithTaskNameAndSize() {
    Celeriac small = Celeriac.create(CeleriacConfig.builder().brokerUrl("memory://small-" + UUID.randomUUID())
        .maxMessageBytes(2000).build());
    MessageTooLargeException e = assertThrows(MessageTooLargeException.class,
        () -> AddTask.with().on(small).enqueue(1, 2, Map.of("blob", "x".repeat(5000))));

    assertTrue(e.getMessage().startsWith("message for task 'tests.add' is "), e.getMessage());
    assertTrue(e.size() > 5000);
    assertEquals(0, ((MemoryBroker) small.broker()).readyCount("math"));
  }

  @Test
  void sendByNameForTasksWithoutStub() {
    TaskRef<Object> ref = app.send("py.remote", List.of(1, "two"), Map.of("three", 3), EnqueueOptions.DEFAULTS);

    assertEquals("python", ref.queue());
    assertEquals(1, ((MemoryBroker) app.broker()).readyCount("python"));
  }

  @Test
  void sendTakesNullForDefaults() throws Exception {
    TaskRef<Object> ref = app.send("py.remote", null, null, null);

    assertEquals("python", ref.queue());
    var delivery = ((MemoryBroker) app.broker()).fetch(List.of("python"), 1, Duration.ofSeconds(1)).get(0);
    assertEquals(List.of(), MessageCodec.decodeBody(delivery.message()).args());
    assertEquals(Map.of(), MessageCodec.decodeBody(delivery.message()).kwargs());
    delivery.ack();
  }

  @Test
  void theMemoryFallbackWarnsOnceAndAMemoryBrokerNamedDoesNot() {
    int before = RecordingLogs.lines().size();

    Celeriac.create(ConfigLoader.load(Map.of(), null)).close();
    Celeriac.create(ConfigLoader.load(Map.of("BROKER_URL", "memory://"), null)).close();
    Celeriac.connect("memory://").close();
    Celeriac.eager().close();

    List<String> warnings = RecordingLogs.lines().subList(before, RecordingLogs.lines().size()).stream()
        .filter(line -> line.logger().equals(Celeriac.class.getName())).map(RecordingLogs.Line::message).toList();
    assertEquals(List.of("No broker configured (BROKER_URL is not set, and CELERIAC_CONF names no file with"
        + " broker.url): using memory://, whose messages live only in this JVM and are lost when it exits"), warnings);
  }

  @Test
  void retriedTaskKeepsItsIdAndRunsAgain() throws Exception {
    app.send("tests.flaky", List.of(), Map.of("succeed_after", 2), EnqueueOptions.DEFAULTS);

    Worker worker = runUntil(3);

    assertEquals(List.of("flaky:0", "flaky:1", "flaky:2"), List.copyOf(MathTasks.RUNS));
    assertEquals(2, worker.count(Outcome.RETRIED));
    assertEquals(1, worker.count(Outcome.SUCCEEDED));
  }

  @Test
  void taskSentFromATaskNamesItsParent() {
    Celeriac eager = Celeriac.create(CeleriacConfig.builder().eager(true).build());
    TaskContext outer = new TaskContext("parent-id", "outer", "celery", 0, "root-id", null);
    dev.celeriac.internal.CurrentTask.Frame frame = dev.celeriac.internal.CurrentTask.enter(outer);
    List<Object> children = List.of();
    try {
      TaskRef<Void> ref = AddTask.with().on(app).enqueue(1, 2);
      var delivery = ((MemoryBroker) app.broker()).fetch(List.of("math"), 1, Duration.ofSeconds(1)).get(0);
      assertEquals("parent-id", delivery.message().parentId());
      assertEquals("root-id", delivery.message().rootId());
      assertEquals(ref.id(), delivery.message().id());
      delivery.ack();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    } finally {
      children = dev.celeriac.internal.CurrentTask.exit(frame);
      eager.close();
    }
    // As Celery's request.children: what the task sent is stored with its result.
    assertEquals(1, children.size());
  }

  @Test
  void aTaskRunningEagerlyRecordsWhatItSendsAsItsChildren() {
    try (Celeriac eager = Celeriac.create(CeleriacConfig.builder().eager(true).build())) {
      TaskContext outer = new TaskContext("eager-parent", "outer", "celery", 0, "eager-parent", null);
      dev.celeriac.internal.CurrentTask.Frame frame = dev.celeriac.internal.CurrentTask.enter(outer);
      TaskRef<?> ref;
      List<Object> children;
      try {
        ref = AddTask.with().on(eager).enqueue(1, 2);
      } finally {
        children = dev.celeriac.internal.CurrentTask.exit(frame);
      }
      assertEquals(List.of(dev.celeriac.result.ResultMeta.taskTuple(ref.id())), children);
    }
  }

  @Test
  void eagerModeRunsInTheCallingThreadThroughTheEncoding() {
    Celeriac eager = Celeriac.create(CeleriacConfig.builder().eager(true).build());

    AddTask.with().on(eager).countdown(Duration.ofHours(1)).enqueue(2, 2, Map.of("note", List.of("a")));
    eager.send("tests.flaky", List.of(), Map.of("succeed_after", 2), EnqueueOptions.DEFAULTS);
    eager.send("tests.tags", List.of(List.of("x", "y")), Map.of(), EnqueueOptions.DEFAULTS);

    assertEquals(List.of("add:2+2 {note=[a]}", "flaky:0", "flaky:1", "flaky:2", "tags:[x, y]"),
        List.copyOf(MathTasks.RUNS));
  }

  @Test
  void leadingArgumentsOnlyLeaveTheRestToTheirDefaultsOnTheWorker() throws Exception {
    AddTask.with().on(app).enqueue(5);

    assertEquals(Map.of("x", 5), MessageCodec.decodeBody(
        app.broker().fetch(List.of("math"), 1, Duration.ZERO).get(0).message()).kwargs());
    try (Celeriac eager = Celeriac.eager()) {
      AddTask.with().on(eager).enqueue(5);
    }
    assertEquals(List.of("add:5+1"), List.copyOf(MathTasks.RUNS));
  }

  @Test
  void eagerModeSurfacesWhatAWorkerWouldDeadLetter() {
    Celeriac eager = Celeriac.eager();

    EagerTaskException exhausted = assertThrows(EagerTaskException.class,
        () -> eager.send("tests.flaky", List.of(), Map.of("succeed_after", 9), EnqueueOptions.DEFAULTS));
    assertTrue(exhausted.getMessage().startsWith("retries exhausted: ran 4 times (maxRetries 3)"),
        exhausted.getMessage());
    assertTrue(exhausted.getCause() instanceof Retry);

    EagerTaskException missing = assertThrows(EagerTaskException.class,
        () -> eager.send("tests.add", List.of(), Map.of("y", 2), EnqueueOptions.DEFAULTS));
    assertEquals("bad arguments: missing required argument 'x' (int)", missing.getMessage());
  }

  /**
   * Eager mode logs what it did, not what a worker would have done: its retries run at once, and what a worker would
   * dead-letter is thrown to the caller, not stored anywhere.
   */
  @Test
  void eagerModeLogsWhatHappened() {
    Celeriac eager = Celeriac.eager();
    int before = RecordingLogs.lines().size();

    assertThrows(EagerTaskException.class, () -> eager.send("tests.flaky", List.of(), Map.of("succeed_after", 9), null));
    assertThrows(EagerTaskException.class, () -> eager.send("tests.add", List.of(), Map.of("y", 2), null));

    List<String> logged = RecordingLogs.lines().subList(before, RecordingLogs.lines().size()).stream()
        .filter(line -> line.logger().startsWith("dev.celeriac") && line.thread().equals(Thread.currentThread().getName()))
        .map(line -> line.level() + " " + line.message().replaceAll("\\[[0-9a-f-]{36}]", "[id]")).toList();
    assertEquals(5, logged.size(), String.join("\n", logged));
    for (int retry = 1; retry <= 3; retry++) {
      assertTrue(logged.get(retry - 1).startsWith("INFO Eager run of tests.flaky[id] failed, running retry " + retry
          + "/3 now (a worker would wait 10 ms): dev.celeriac.Retry"), logged.get(retry - 1));
    }
    assertTrue(logged.get(3).startsWith("INFO Eager run of tests.flaky[id] ends in EagerTaskException: retries"
        + " exhausted: ran 4 times (maxRetries 3); last failure: dev.celeriac.Retry"), logged.get(3));
    assertEquals("INFO Eager run of tests.add[id] ends in EagerTaskException: bad arguments: missing required"
        + " argument 'x' (int)", logged.get(4));
  }

  @Test
  void gracefulStopReturnsPrefetchedMessagesAtOnceAndLetsTheRunningTaskFinish() throws Exception {
    MathTasks.GATE.drainPermits();
    for (int i = 0; i < 50; i++) {
      app.send("tests.block", List.of(), Map.of(), EnqueueOptions.DEFAULTS);
    }
    MemoryBroker broker = (MemoryBroker) app.broker();
    Worker worker = app.worker(WorkerOptions.builder().queues(List.of("slow")).concurrency(1).prefetch(20).build());
    worker.start();
    waitFor(() -> broker.inFlightCount("slow") == 20 && MathTasks.RUNS.size() == 1);

    Thread stopper = new Thread(() -> worker.stop(Duration.ofSeconds(20)));
    stopper.start();
    // The 19 prefetched messages are back while the one running task still holds its slot.
    waitFor(() -> broker.readyCount("slow") == 49 && broker.inFlightCount("slow") == 1);
    MathTasks.GATE.release();
    stopper.join();

    assertEquals(List.of("block"), List.copyOf(MathTasks.RUNS));
    assertEquals(1, worker.count(Outcome.SUCCEEDED));
    assertEquals(19, worker.count(Outcome.REQUEUED));
    assertEquals(0, broker.inFlightCount("slow"));
    assertEquals(49, broker.readyCount("slow"));
  }

  @Test
  void workerRunsManyTasksConcurrently() throws Exception {
    for (int i = 0; i < 500; i++) {
      AddTask.with().on(app).enqueue(i, i);
    }

    Worker worker = runUntil(500);

    assertEquals(500, worker.count(Outcome.SUCCEEDED));
    assertEquals(500, MathTasks.RUNS.stream().distinct().count());
  }

  @Test
  void duplicateNamesFailNamingBothOrigins() {
    DuplicateTaskException e = assertThrows(DuplicateTaskException.class, () -> TaskRegistry.of(List.of(
        TestIndex.FLAKY, TaskDefinition.builder("tests.flaky").origin("com.other.Tasks#flaky").build())));
    assertTrue(e.getMessage().contains("dev.celeriac.fixtures.MathTasks#flaky"), e.getMessage());
    assertTrue(e.getMessage().contains("com.other.Tasks#flaky"), e.getMessage());
  }

  @Test
  void encodedSizeCountsBodyAndHeaders() {
    var message = MessageCodec.newMessage(new MessageCodec.NewMessage("t", "id", List.of(), Map.of("k", "v"),
        null, null, null, null, null, null, Duration.ZERO));
    assertTrue(MessageCodec.sizeOf(message) > message.body().length);
  }

  private Worker runUntil(int runs) throws Exception {
    Worker worker = app.worker(WorkerOptions.builder().queues(List.of("math")).concurrency(4).build()).start();
    try {
      waitFor(() -> MathTasks.RUNS.size() >= runs);
    } finally {
      worker.stop(Duration.ofSeconds(5));
    }
    return worker;
  }

  static void waitFor(java.util.function.BooleanSupplier condition) {
    Waits.await("the condition", Duration.ofSeconds(20), condition::getAsBoolean);
  }
}
