package dev.celeriac.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.MutableClock;
import dev.celeriac.Parameter;
import dev.celeriac.RecordingTasks;
import dev.celeriac.Retry;
import dev.celeriac.TaskDefinition;
import dev.celeriac.TaskRegistry;
import dev.celeriac.ValueType;
import dev.celeriac.broker.BrokerUrl;
import dev.celeriac.broker.DeadLetter;
import dev.celeriac.broker.Delivery;
import dev.celeriac.broker.memory.MemoryBroker;
import dev.celeriac.protocol.KombuEnvelope;
import dev.celeriac.protocol.MessageCodec;
import dev.celeriac.protocol.TaskMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One message at a time through the executor, on a memory broker with a hand-moved clock. */
class TaskExecutorTest {

  enum Color { RED, GREEN }

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z"));
  private final MemoryBroker broker =
      MemoryBroker.forUrl(BrokerUrl.parse("memory://executor-" + UUID.randomUUID()), clock);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final RecordingTasks tasks = new RecordingTasks();
  private final List<String> events = new ArrayList<>();

  private final TaskDefinition saveEvent = tasks.recording("events.save")
      .queue("events")
      .parameter(Parameter.of("project_id", "projectId", ValueType.LONG))
      .parameter(Parameter.of("cache_key", "cacheKey", ValueType.STRING))
      .parameter(Parameter.withDefault("limit", "limit", ValueType.INT, 10, "10"))
      .parameter(Parameter.of("color", "color", ValueType.enumOf(Color.class)))
      .parameter(Parameter.of("ids", "ids", ValueType.listOf(ValueType.boxed(ValueType.Kind.LONG))))
      .build();

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  @Test
  void unknownKwargsLandInExtras() {
    Outcome outcome = run(saveEvent, List.of(), kwargs("project_id", 7, "cache_key", "k", "from_newer_deploy", true));

    assertEquals(Outcome.SUCCEEDED, outcome);
    List<Object> call = tasks.calls.get(0);
    assertEquals(7L, call.get(0));
    assertEquals("k", call.get(1));
    assertEquals(Map.of("from_newer_deploy", true), call.get(5));
  }

  @Test
  void positionalArgsBindInDeclarationOrder() {
    Outcome outcome = run(saveEvent, List.of(7, "k", 3, "GREEN", List.of(1, 2)), Map.of());

    assertEquals(Outcome.SUCCEEDED, outcome);
    assertEquals(Arrays.asList(7L, "k", 3, Color.GREEN, List.of(1L, 2L), Map.of()), tasks.calls.get(0));
  }

  @Test
  void positionalAndKeywordArgumentsMix() {
    assertEquals(Outcome.SUCCEEDED, run(saveEvent, List.of(7), kwargs("cache_key", "k", "color", "RED")));

    assertEquals(Arrays.asList(7L, "k", 10, Color.RED, null, Map.of()), tasks.calls.get(0));
  }

  @Test
  void missingOptionalArgumentsTakeTheirDefaultOrNull() {
    assertEquals(Outcome.SUCCEEDED, run(saveEvent, List.of(), kwargs("project_id", 1)));

    assertEquals(Arrays.asList(1L, null, 10, null, null, Map.of()), tasks.calls.get(0));
  }

  @Test
  void missingRequiredArgumentIsDeadLetteredUnchanged() {
    byte[] sent = publish(saveEvent, List.of(), kwargs("cache_key", "k"));

    assertEquals(Outcome.DEAD_LETTERED, executeNext("events"));

    assertTrue(tasks.calls.isEmpty());
    DeadLetter dead = onlyDeadLetter("events");
    assertEquals("bad arguments: missing required argument 'project_id' (long)", dead.reason());
    assertEquals(KombuEnvelope.decode(sent).message(), KombuEnvelope.decode(dead.raw()).message());
    assertEquals(List.of("dead events.save: bad arguments: missing required argument 'project_id' (long)"), events);
  }

  @Test
  void unconvertibleValuesAreDeadLetteredNamingEachKeyword() {
    run(saveEvent, List.of(), kwargs("project_id", "seven", "color", "BLUE", "ids", List.of(1, "x")));

    String reason = onlyDeadLetter("events").reason();
    assertTrue(reason.contains("argument 'project_id' should be a long, but is the string 'seven'"), reason);
    assertTrue(reason.contains("argument 'color' is 'BLUE', not a constant of"), reason);
    assertTrue(reason.contains("argument 'ids[1]' should be a Long, but is the string 'x'"), reason);
  }

  @Test
  void outOfRangeAndNullForPrimitiveAreDeadLettered() {
    run(saveEvent, List.of(), kwargs("project_id", null, "limit", 1L << 40));

    String reason = onlyDeadLetter("events").reason();
    assertTrue(reason.contains("argument 'project_id' is null, but long can't be null"), reason);
    assertTrue(reason.contains("argument 'limit' is 1099511627776, out of range for int"), reason);
  }

  @Test
  void surplusPositionalArgumentsAreDeadLettered() {
    run(saveEvent, List.of(1, "k", 3, "RED", List.of(), "surplus"), Map.of());

    assertTrue(onlyDeadLetter("events").reason().startsWith("bad arguments: 6 positional arguments for task"));
  }

  @Test
  void unknownTaskIsDeadLetteredNotDropped() {
    TaskDefinition unknown = TaskDefinition.builder("tasks.nope").queue("events").build();
    byte[] sent = publish(unknown, List.of(), Map.of());

    assertEquals(Outcome.DEAD_LETTERED, executeNext("events"));

    DeadLetter dead = onlyDeadLetter("events");
    assertTrue(dead.reason().startsWith("unknown task 'tasks.nope'"), dead.reason());
    assertTrue(Arrays.equals(sent, dead.raw()) || KombuEnvelope.decode(sent).message().equals(dead.message().get()));
  }

  @Test
  void taskImplementedElsewhereIsDeadLettered() {
    TaskDefinition declared = TaskDefinition.builder("py.only").queue("events").origin("Api#pyOnly").build();
    MemoryBroker b = broker;
    b.publish("events", message(declared, List.of(), Map.of()));

    assertEquals(Outcome.DEAD_LETTERED, execute(registry(declared), "events"));
    assertTrue(onlyDeadLetter("events").reason().contains("implemented elsewhere"));
  }

  @Test
  void undecodableBytesAreDeadLetteredByteForByte() {
    byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);
    broker.publishRaw("events", garbage);

    assertEquals(Outcome.DEAD_LETTERED, executeNext("events"));

    DeadLetter dead = onlyDeadLetter("events");
    assertTrue(dead.reason().startsWith("undecodable message: envelope is not JSON"), dead.reason());
    assertTrue(Arrays.equals(garbage, dead.raw()));
  }

  @Test
  void pickleProtocolOneMessagesAreNeverExecuted() {
    String envelope = "{\"body\": \"gAJ9cQAu\", \"content-encoding\": \"binary\", "
        + "\"content-type\": \"application/x-python-serialize\", \"headers\": {}, \"properties\": "
        + "{\"delivery_info\": {\"exchange\": \"\", \"routing_key\": \"events\"}, \"body_encoding\": \"base64\", "
        + "\"delivery_tag\": \"t\"}}";
    broker.publishRaw("events", envelope.getBytes(StandardCharsets.UTF_8));

    assertEquals(Outcome.DEAD_LETTERED, executeNext("events"));

    assertTrue(onlyDeadLetter("events").reason().contains("protocol 1 and pickle messages are never executed"));
  }

  @Test
  void bodyThatIsNotThreeElementsIsDeadLettered() {
    TaskMessage good = message(saveEvent, List.of(), kwargs("project_id", 1));
    TaskMessage twoElements = new TaskMessage(good.headers(), good.properties(), good.contentType(),
        good.contentEncoding(), "[[], {}]".getBytes(StandardCharsets.UTF_8));
    broker.publish("events", twoElements);

    assertEquals(Outcome.DEAD_LETTERED, executeNext("events"));
    assertTrue(onlyDeadLetter("events").reason().contains("not the protocol v2 array"));
  }

  @Test
  void failureRetriesAsCeleryDoes() {
    TaskDefinition flaky = tasks.recording("tasks.flaky", args -> {
      throw new IllegalStateException("boom");
    }).parameter(Parameter.of("x", "x", ValueType.INT)).maxRetries(2).defaultRetryDelaySeconds(7).build();
    TaskMessage original = message(flaky, List.of(1), Map.of());
    broker.publish("celery", original);

    assertEquals(Outcome.RETRIED, execute(registry(flaky), "celery"));

    assertEquals(1, broker.delayedCount("celery"));
    assertEquals(0, broker.readyCount("celery"));
    clock.advance(Duration.ofSeconds(7));
    Delivery retried = fetchOne("celery");
    TaskMessage retry = retried.message();
    assertEquals(original.id(), retry.id());
    assertEquals(1, retry.retries());
    assertEquals(original.id(), retry.parentId());
    assertEquals(original.id(), retry.rootId());
    assertEquals(Instant.parse("2026-11-24T10:00:07Z"), retry.eta().orElseThrow());
    assertTrue(Arrays.equals(original.body(), retry.body()));
    retried.requeue();
  }

  @Test
  void retriesExhaustedGoToDeadLettersAfterOnePlusMaxRuns() {
    TaskDefinition flaky = tasks.recording("tasks.flaky", args -> {
      throw new IllegalStateException("boom");
    }).parameter(Parameter.of("x", "x", ValueType.INT)).maxRetries(2).defaultRetryDelaySeconds(5).build();
    broker.publish("celery", message(flaky, List.of(1), Map.of()));

    List<Outcome> outcomes = new ArrayList<>();
    for (int run = 0; run < 3; run++) {
      outcomes.add(execute(registry(flaky), "celery"));
      clock.advance(Duration.ofSeconds(5));
    }

    assertEquals(List.of(Outcome.RETRIED, Outcome.RETRIED, Outcome.DEAD_LETTERED), outcomes);
    assertEquals(3, tasks.calls.size());
    DeadLetter dead = onlyDeadLetter("celery");
    assertEquals("retries exhausted: ran 3 times (maxRetries 2); last failure: java.lang.IllegalStateException: boom",
        dead.reason());
    assertEquals(2, dead.message().orElseThrow().retries());
  }

  @Test
  void explicitRetryUsesItsOwnDelay() {
    TaskDefinition polling = tasks.recording("tasks.poll", args -> {
      throw new Retry(Duration.ofSeconds(42));
    }).retryOn().build();
    broker.publish("celery", message(polling, List.of(), Map.of()));

    assertEquals(Outcome.RETRIED, execute(registry(polling), "celery"));

    clock.advance(Duration.ofSeconds(41));
    assertEquals(0, broker.readyCount("celery"));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(Instant.parse("2026-11-24T10:00:42Z"), fetchOne("celery").message().eta().orElseThrow());
  }

  @Test
  void dontRetryOnFailsAtOnce() {
    TaskDefinition strict = tasks.recording("tasks.strict", args -> {
      throw new IllegalArgumentException("bad input");
    }).dontRetryOn(IllegalArgumentException.class).build();
    broker.publish("celery", message(strict, List.of(), Map.of()));

    assertEquals(Outcome.DEAD_LETTERED, execute(registry(strict), "celery"));
    assertEquals("failed without retry: java.lang.IllegalArgumentException: bad input",
        onlyDeadLetter("celery").reason());
  }

  @Test
  void expiredMessageIsNotRun() {
    TaskMessage expiring = MessageCodec.newMessage(new MessageCodec.NewMessage(saveEvent.name(),
        UUID.randomUUID().toString(), List.of(), kwargs("project_id", 1), null, clock.instant().plusSeconds(60),
        Duration.ofSeconds(60), null, null, null, Duration.ZERO));
    broker.publish("events", expiring);
    clock.advance(Duration.ofSeconds(61));

    assertEquals(Outcome.EXPIRED, executeNext("events"));

    assertTrue(tasks.calls.isEmpty());
    assertEquals(0, broker.deadLetters().count("events"));
    assertEquals(0, broker.inFlightCount("events"));
    assertEquals(List.of("expired events.save"), events);
  }

  @Test
  void earlyMessageIsParkedUntilItsEta() {
    TaskMessage early = MessageCodec.newMessage(new MessageCodec.NewMessage(saveEvent.name(),
        UUID.randomUUID().toString(), List.of(), kwargs("project_id", 1), clock.instant().plusSeconds(30), null,
        null, null, null, null, Duration.ZERO));
    // A foreign producer's LPUSH: the message reaches the queue before its eta.
    broker.publishRaw("events", KombuEnvelope.encode(early, "events", "tag"));

    assertEquals(Outcome.DEFERRED, executeNext("events"));
    assertTrue(tasks.calls.isEmpty());
    assertEquals(1, broker.delayedCount("events"));

    clock.advance(Duration.ofSeconds(30));
    assertEquals(Outcome.SUCCEEDED, executeNext("events"));
    assertEquals(1, tasks.calls.size());
  }

  @Test
  void timeLimitInterruptsAndFailsWithoutRetry() {
    TaskDefinition slow = tasks.recording("tasks.slow", args -> Thread.sleep(60_000))
        .timeLimitSeconds(1).maxRetries(3).build();
    broker.publish("celery", message(slow, List.of(), Map.of()));

    assertEquals(Outcome.DEAD_LETTERED, execute(registry(slow), "celery"));

    assertEquals("failed without retry: dev.celeriac.worker.TimeLimitExceededException: task 'tasks.slow' "
        + "exceeded its time limit of 1s", onlyDeadLetter("celery").reason());
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test
  void stackOverflowIsAnOrdinaryFailure() {
    TaskDefinition deep = tasks.recording("tasks.deep", args -> {
      throw new StackOverflowError();
    }).maxRetries(0).build();
    broker.publish("celery", message(deep, List.of(), Map.of()));

    assertEquals(Outcome.DEAD_LETTERED, execute(registry(deep), "celery"));
    assertEquals("failed without retry: java.lang.StackOverflowError",
        onlyDeadLetter("celery").reason());
  }

  @Test
  void aFailingListenerNeverLeavesAMessageInFlight() {
    publish(saveEvent, List.of(), kwargs("project_id", 1));
    WorkerListener broken = new WorkerListener() {
      @Override
      public void taskStarted(dev.celeriac.TaskContext task) {
        throw new IllegalStateException("listener bug");
      }
    };

    Outcome outcome = new TaskExecutor(registry(saveEvent), clock, broken, timer, () -> false)
        .execute(fetchOne("events"));

    assertEquals(Outcome.SUCCEEDED, outcome);
    assertEquals(0, broker.inFlightCount("events"));
  }

  @Test
  void retryKeepsAParentItAlreadyHad() {
    TaskDefinition flaky = tasks.recording("tasks.child", args -> {
      throw new IllegalStateException("boom");
    }).defaultRetryDelaySeconds(1).build();
    broker.publish("celery", MessageCodec.newMessage(new MessageCodec.NewMessage(flaky.name(), "child-id",
        List.of(), Map.of(), null, clock.instant().plusSeconds(3600), Duration.ofHours(1), "parent-id", "root-id",
        null, Duration.ZERO)));

    assertEquals(Outcome.RETRIED, execute(registry(flaky), "celery"));

    clock.advance(Duration.ofSeconds(1));
    TaskMessage retry = fetchOne("celery").message();
    assertEquals("parent-id", retry.parentId());
    assertEquals("root-id", retry.rootId());
    assertEquals(Long.toString(Duration.ofHours(1).toMillis()), retry.properties().get("expiration"));
  }

  @Test
  void explicitNullBindsNullUnlessThePrimitiveNeedsItsDefault() {
    run(saveEvent, List.of(), kwargs("project_id", 3, "cache_key", null, "limit", null));

    assertEquals(Arrays.asList(3L, null, 10, null, null, Map.of()), tasks.calls.get(0));
  }

  @Test
  void kwargsThatDoNotFitAreCountedByCause() {
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    publish(saveEvent, List.of(), kwargs("cache_key", "k"));
    publish(saveEvent, List.of(), kwargs("project_id", 5));

    TaskExecutor executor = new TaskExecutor(registry(saveEvent), clock,
        new dev.celeriac.metrics.MicrometerListener(registry), timer, () -> false);
    executor.execute(fetchOne("events"));
    executor.execute(fetchOne("events"));

    assertEquals(1.0, registry.get("celeriac.messages.dead").tag("cause", "bad_arguments")
        .tag("task", "events.save").tag("queue", "events").counter().count());
    assertEquals(1.0, registry.get("celeriac.task.outcomes").tag("outcome", "succeeded").counter().count());
    assertEquals(1, registry.get("celeriac.task.duration").timer().count());
  }

  @Test
  void dontRetryOnMatchesBeforeRetryOn() {
    TaskDefinition task = TaskDefinition.builder("x").retryOn(RuntimeException.class)
        .dontRetryOn(IllegalStateException.class).build();

    assertTrue(task.retryPolicy().retries(new IllegalArgumentException()));
    assertFalse(task.retryPolicy().retries(new IllegalStateException()));
    assertFalse(task.retryPolicy().retries(new java.io.IOException()));
  }

  private Outcome run(TaskDefinition task, List<Object> args, Map<String, Object> kwargs) {
    publish(task, args, kwargs);
    return execute(registry(task), task.queue());
  }

  private byte[] publish(TaskDefinition task, List<Object> args, Map<String, Object> kwargs) {
    byte[] envelope = KombuEnvelope.encode(message(task, args, kwargs), task.queue(), UUID.randomUUID().toString());
    broker.publishRaw(task.queue(), envelope);
    return envelope;
  }

  private TaskMessage message(TaskDefinition task, List<Object> args, Map<String, Object> kwargs) {
    return MessageCodec.newMessage(new MessageCodec.NewMessage(task.name(), UUID.randomUUID().toString(), args,
        kwargs, null, null, null, null, null, null, Duration.ZERO));
  }

  private Outcome executeNext(String queue) {
    return execute(registry(saveEvent), queue);
  }

  private Outcome execute(TaskRegistry registry, String queue) {
    WorkerListener listener = new WorkerListener() {
      @Override
      public void messageDeadLettered(String q, String taskName, String taskId, DeadLetterCause cause,
          String reason) {
        events.add("dead " + taskName + ": " + reason);
      }

      @Override
      public void messageExpired(dev.celeriac.TaskContext task) {
        events.add("expired " + task.name());
      }
    };
    TaskExecutor executor = new TaskExecutor(registry, clock, listener, timer, () -> false);
    return executor.execute(fetchOne(queue));
  }

  private Delivery fetchOne(String queue) {
    try {
      List<Delivery> fetched = broker.fetch(List.of(queue), 1, Duration.ofMillis(50));
      assertEquals(1, fetched.size(), "one message on " + queue);
      return fetched.get(0);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private DeadLetter onlyDeadLetter(String queue) {
    List<DeadLetter> dead = broker.deadLetters().list(queue, 10);
    assertEquals(1, dead.size(), "dead letters on " + queue);
    assertEquals(0, broker.inFlightCount(queue));
    return dead.get(0);
  }

  private static TaskRegistry registry(TaskDefinition... tasks) {
    return TaskRegistry.of(List.of(tasks));
  }

  private static Map<String, Object> kwargs(Object... pairs) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], pairs[i + 1]);
    }
    return map;
  }

  @Test
  void extrasAreUnmodifiable() {
    run(saveEvent, List.of(), kwargs("project_id", 1, "other", 2));
    @SuppressWarnings("unchecked")
    Map<String, Object> extras = (Map<String, Object>) tasks.calls.get(0).get(5);
    assertNull(extras.get("project_id"));
    org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class, () -> extras.put("a", 1));
  }
}
