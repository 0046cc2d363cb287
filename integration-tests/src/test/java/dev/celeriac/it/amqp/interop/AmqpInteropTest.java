package dev.celeriac.it.amqp.interop;

import static dev.celeriac.it.interop.PythonCelery.jsonOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import dev.celeriac.Batch;
import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.TaskRef;
import dev.celeriac.broker.DeadLetter;
import dev.celeriac.it.amqp.ItRabbit;
import dev.celeriac.it.interop.InteropTasks;
import dev.celeriac.it.interop.InteropTasks.Run;
import dev.celeriac.it.interop.PyRecordTask;
import dev.celeriac.it.interop.PythonCelery;
import dev.celeriac.it.interop.PythonCelery.PythonResult;
import dev.celeriac.it.interop.RecordTask;
import dev.celeriac.it.interop.WorkerEvents;
import dev.celeriac.testsupport.Processes;
import dev.celeriac.testsupport.Waits;
import dev.celeriac.worker.Outcome;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Celeriac and Debian's Python Celery 5.2.6 / kombu 5.2.4 / py-amqp 5.1.1 on one RabbitMQ vhost
 * ({@code celeriac-it}), in both directions, every message counted: Python {@code send_task} to a Celeriac
 * worker, Celeriac stubs to a real Celery worker, and the two sides declaring one queue in either order. Both
 * sides use the same broker URL, written as Celery writes it. Fails (never skips) without RabbitMQ or Python
 * Celery.
 */
@Tag("rabbitmq")
@Tag("python")
class AmqpInteropTest {

  /** The one URL both sides are given. */
  private static final String BROKER_URL = ItRabbit.URL;
  private static final String VHOST = ItRabbit.VHOST;
  private static final String JAVA_QUEUE = "interop-java";
  private static final String PY_QUEUE = "interop-py";

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

  // ---------------------------------------------------------------------------------------------------
  // 1. Python producer -> Java worker
  // ---------------------------------------------------------------------------------------------------

  @Test
  void pythonProducerToJavaWorker() throws Exception {
    long started = System.nanoTime();
    PythonCelery python = new PythonCelery(BROKER_URL, Map.of());
    WorkerEvents events = new WorkerEvents();
    Map<String, Sent> all = new LinkedHashMap<>();
    Worker worker;
    List<DeadLetter> deadLetters;
    try (Connection rabbit = ItRabbit.connect(VHOST);
        Celeriac app = Celeriac.create(CeleriacConfig.builder().brokerUrl(BROKER_URL).build())) {
      // Sent while nothing consumes; Celery declared the queue as it published (Python first).
      Map<String, Sent> early = sent(python.command("produce-amqp-early"));
      assertEquals(4, early.size(), early.toString());
      all.putAll(early);
      // RabbitMQ itself drops the message whose 1 s expiration property ran out in the queue.
      Waits.await("RabbitMQ to drop the message that expired in the queue", Duration.ofSeconds(20),
          () -> ready(rabbit, JAVA_QUEUE) == 3, () -> "ready " + ready(rabbit, JAVA_QUEUE));
      // The three left, as py-amqp wrote them, read by amqp-client without acking (then put back).
      Map<String, AMQP.BasicProperties> wire = peek(rabbit, JAVA_QUEUE, 3);
      for (String key : List.of("p9", "p5", "p0")) {
        AMQP.BasicProperties properties = wire.get(early.get(key).id());
        assertNotNull(properties, key + " is in the queue: " + wire.keySet());
        assertEquals(Integer.parseInt(key.substring(1)), properties.getPriority(), key + " priority property");
        assertEquals("application/json", properties.getContentType());
        assertEquals(2, properties.getDeliveryMode());
        Map<String, Object> headers = properties.getHeaders();
        assertTrue(headers.get("task") instanceof LongString, "task header is a string: " + headers);
        assertEquals("interop.record", headers.get("task").toString());
        assertEquals(0, headers.get("retries"), "retries is a 32-bit integer: " + headers);
        assertEquals(Arrays.asList(null, null), headers.get("timelimit"));
        assertTrue(headers.get("ignore_result") instanceof Boolean, "ignore_result is a boolean: " + headers);
      }

      worker = app.worker(WorkerOptions.builder().queues(List.of(JAVA_QUEUE)).concurrency(2).listener(events)
          .build()).start();
      try {
        Map<String, Sent> main = sent(python.command("produce-main"));
        assertEquals(7, main.size(), main.toString());
        all.putAll(main);
        Map<String, Sent> rejects = sent(python.command("produce-rejects"));
        assertEquals(List.of("unknown", "pickle", "protocol-1"), List.copyOf(rejects.keySet()));
        all.putAll(rejects);
        // The countdown runs last, after the message that expires before its eta is back from its park.
        Waits.await("8 runs, the countdown's among them, and 3 dead letters", Duration.ofSeconds(40),
            () -> InteropTasks.runs().size() >= 8 && events.deadLettered.size() >= 3
                && InteropTasks.runs().stream().anyMatch(run -> run.id().equals(all.get("countdown").id())),
            () -> "runs " + labels(InteropTasks.runs()) + ", " + events + ", ready " + ready(rabbit, JAVA_QUEUE));
        // Anything run twice would show up within this grace period.
        Waits.sleep(Duration.ofSeconds(1));
      } finally {
        worker.stop();
      }
      deadLetters = app.broker().deadLetters().list(JAVA_QUEUE, 10);
    }

    Map<String, List<Run>> runsById = InteropTasks.runs().stream().collect(Collectors.groupingBy(Run::id));
    List<String> mustRun = List.of("p9", "p5", "p0", "kwargs", "positional", "extras", "countdown", "expires-long");
    for (String key : mustRun) {
      List<Run> runs = runsById.getOrDefault(all.get(key).id(), List.of());
      assertEquals(1, runs.size(), key + " must run exactly once: " + runs);
      assertEquals(JAVA_QUEUE, runs.get(0).queue());
      assertEquals(0, runs.get(0).retries());
    }
    assertEquals(mustRun.size(), InteropTasks.runs().size(), "no other runs: " + InteropTasks.runs());
    assertEquals(mustRun.size(), worker.count(Outcome.SUCCEEDED));

    // Expiry: RabbitMQ dropped the one that expired in the queue. Celery also sets the expiration property
    // (0 for the one already expired when sent, 1 s for the one expiring before its eta, which the worker parks),
    // so the others are discarded by whichever sees them first: the worker's header check or RabbitMQ's TTL.
    List<String> expiring = List.of("expired-short", "expired-past", "expired-before-eta");
    for (String key : expiring) {
      assertFalse(runsById.containsKey(all.get(key).id()), key + " must not run");
    }
    assertFalse(events.expired.contains(all.get("expired-short").id()), "RabbitMQ dropped expired-short: " + events);
    List<String> discardedByWorker = expiring.stream().filter(key -> events.expired.contains(all.get(key).id())).toList();
    assertEquals(discardedByWorker.size(), events.expired.size(), "only those expired: " + events);
    assertEquals(events.expired.size(), worker.count(Outcome.EXPIRED));

    // The unknown task name, the pickled body and the protocol 1 message: each dead-lettered to
    // interop-java.dead once, with its reason; none ran.
    assertEquals(3, events.deadLettered.size(), events.toString());
    assertEquals(3, deadLetters.size(), "three dead letters in " + JAVA_QUEUE + ".dead: " + deadLetters);
    assertEquals(3, worker.count(Outcome.DEAD_LETTERED));
    Map<String, String> reasons = new LinkedHashMap<>();
    for (DeadLetter dead : deadLetters) {
      // A protocol 1 message keeps its id in the body, so it has none here.
      String id = dead.message().map(message -> message.id()).orElse(null);
      String key = all.entrySet().stream().filter(e -> e.getValue().id().equals(id)).map(Map.Entry::getKey)
          .findFirst().orElse("protocol-1");
      reasons.put(key, dead.reason());
    }
    assertEquals(Set.of("unknown", "pickle", "protocol-1"), reasons.keySet(), reasons.toString());
    assertTrue(reasons.get("unknown").contains("unknown task 'interop.nope'"), reasons.toString());
    assertTrue(reasons.get("pickle").contains("pickle is never deserialized"), reasons.toString());
    assertTrue(reasons.get("protocol-1").contains("not a protocol v2 task message"), reasons.toString());

    // Typed binding, Python to Java.
    Run kwargs = only(runsById, all, "kwargs");
    assertEquals(List.of(1L, "kwargs-only", 1, Map.of()),
        List.of(kwargs.n(), kwargs.label(), kwargs.weight(), kwargs.extras()), "kwargs, @Default weight");
    Run positional = only(runsById, all, "positional");
    assertEquals(List.of(2L, "positional", 7, Map.of()),
        List.of(positional.n(), positional.label(), positional.weight(), positional.extras()), "positional args");
    Run extras = only(runsById, all, "extras");
    assertEquals(List.of(3L, "extras", 4), List.of(extras.n(), extras.label(), extras.weight()));
    Map<String, Object> expectedExtras = new LinkedHashMap<>();
    expectedExtras.put("trace_id", "abc-123");
    expectedExtras.put("nested", Map.of("a", Arrays.asList(1, 2.5, null, true)));
    expectedExtras.put("unicode", "h\u00e9llo \u2713");
    assertEquals(expectedExtras, extras.extras(), "unknown kwargs land in @Extras with their JSON types");
    assertEquals(7L, only(runsById, all, "expires-long").n());

    // The countdown: parked through the delay queues (nothing held for 3 s), then run once at its eta.
    Run countdown = only(runsById, all, "countdown");
    double countdownDelay = countdown.startedMillis() / 1000.0 - all.get("countdown").sentAt();
    assertTrue(countdownDelay >= 3.0, "countdown=3 ran after only " + countdownDelay + " s");
    assertTrue(events.deferred.contains(all.get("countdown").id()), events.toString());
    List<String> delayQueues = ItRabbit.queueNames(VHOST).stream()
        .filter(name -> name.startsWith("celeriac.delay." + JAVA_QUEUE + ".")).sorted().toList();
    assertFalse(delayQueues.isEmpty(), "the countdown went through a delay level: " + ItRabbit.queueNames(VHOST));

    // Every message was acked: with every connection closed, nothing came back to a queue.
    try (Connection rabbit = ItRabbit.connect(VHOST)) {
      assertEquals(0, ready(rabbit, JAVA_QUEUE), "left in " + JAVA_QUEUE);
      for (String level : delayQueues) {
        assertEquals(0, ready(rabbit, level), "left in " + level);
      }
    }
    System.out.printf("amqp interop python->java: %d sent, %d ran once each (priorities 9, 5, 0 carried as the"
            + " property), 3 expired and not run (%d dropped by RabbitMQ's TTL, discarded by the worker: %s),"
            + " 3 dead-lettered (unknown name, pickle, protocol 1); countdown=3 ran after %.2f s via %s; %d ms%n",
        all.size(), InteropTasks.runs().size(), 3 - discardedByWorker.size(), discardedByWorker, countdownDelay,
        delayQueues, Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  // ---------------------------------------------------------------------------------------------------
  // 2. Java producer -> Python worker
  // ---------------------------------------------------------------------------------------------------

  @Test
  void javaProducerToPythonWorker() throws Exception {
    long started = System.nanoTime();
    int total = 200;
    long stamp = System.currentTimeMillis();
    Path records = PythonCelery.logDir().resolve("amqp-py-records-" + stamp + ".jsonl");
    Path log = PythonCelery.logDir().resolve("amqp-celery-worker-" + stamp + ".log");
    PythonCelery python = new PythonCelery(BROKER_URL, Map.of("INTEROP_RECORDS_FILE", records.toString()));
    Map<Long, TaskRef<?>> refs = new TreeMap<>();
    Map<Long, Map<String, Object>> extrasByN = new HashMap<>();
    // The two countdowns: 1.5 s parks for 1 s (binary 1, level 0's queue), 2.5 s for 2 s (binary 10, level 1's
    // queue, then level 0's exchange and the exit queue); the Python worker holds the rest until the eta.
    Map<Long, Duration> countdowns = Map.of((long) total - 2, Duration.ofMillis(1500), (long) total - 1,
        Duration.ofMillis(2500));
    Map<Long, Long> countdownSentMillis = new HashMap<>();
    Process celery = python.startWorker(PY_QUEUE, log);
    try (Celeriac app = Celeriac.create(CeleriacConfig.builder().brokerUrl(BROKER_URL).build())) {
      for (long n = 0; n < total; n++) {
        extrasByN.put(n, n % 4 == 0
            ? Map.of("trace_id", "t-" + n, "nested", Map.of("list", List.of(n, "x", true)), "ratio", 0.5)
            : Map.of());
      }
      // 0-99 one by one, every fourth with extras; 5, 25, 45, ... with priority 9 and a 10-minute expiry.
      for (long n = 0; n < 100; n++) {
        PyRecordTask.Call call = PyRecordTask.with().on(app);
        if (n % 20 == 5) {
          call.priority(9).expires(Duration.ofMinutes(10));
        }
        refs.put(n, call.enqueue(n, label(n), extrasByN.get(n)));
      }
      // 100-197 in one batch: one confirm round.
      try (Batch batch = app.batch()) {
        for (long n = 100; n < total - 2; n++) {
          refs.put(n, PyRecordTask.with().in(batch).enqueue(n, label(n), extrasByN.get(n)));
        }
      }
      // 198 and 199 with countdowns: parked in Celeriac's delay queues, then an eta header the worker honours.
      for (long n = (long) total - 2; n < total; n++) {
        countdownSentMillis.put(n, System.currentTimeMillis());
        refs.put(n, PyRecordTask.with().on(app).countdown(countdowns.get(n)).enqueue(n, label(n), extrasByN.get(n)));
      }

      Waits.await(total + " runs recorded by the Python worker", Duration.ofSeconds(60),
          () -> lines(records).size() >= total,
          () -> "recorded " + lines(records).size() + ", worker alive " + celery.isAlive()
              + "\n--- celery worker log ---\n" + PythonCelery.tail(log, 40));
      Waits.sleep(Duration.ofSeconds(1)); // a duplicate would be recorded within this
    } finally {
      Processes.stop(celery);
    }

    List<Map<String, Object>> recorded = lines(records).stream().map(PythonCelery::parse).toList();
    assertEquals(total, recorded.size(), "every message runs exactly once");
    Map<Long, Map<String, Object>> byN = new TreeMap<>();
    for (Map<String, Object> record : recorded) {
      long n = ((Number) record.get("n")).longValue();
      assertNull(byN.put(n, record), "n=" + n + " ran twice");
    }
    assertEquals(refs.keySet(), byN.keySet());
    for (Map.Entry<Long, Map<String, Object>> entry : byN.entrySet()) {
      long n = entry.getKey();
      Map<String, Object> record = entry.getValue();
      String id = refs.get(n).id();
      boolean prioritised = n < 100 && n % 20 == 5;
      boolean delayed = countdowns.containsKey(n);
      // The call exactly as Celery handed it to the task: no positional args, every keyword.
      Map<String, Object> expectedKwargs = new LinkedHashMap<>();
      expectedKwargs.put("n", n);
      expectedKwargs.put("label", label(n));
      expectedKwargs.putAll(extrasByN.get(n));
      assertEquals(List.of(), record.get("args"), "positional args of n=" + n);
      assertEquals(jsonOf(expectedKwargs), jsonOf(record.get("call_kwargs")), "kwargs of n=" + n);
      assertEquals("int", record.get("n_type"), "n arrives as a Python int");
      assertEquals(jsonOf(extrasByN.get(n)), jsonOf(record.get("kwargs")), "extras of n=" + n + " as **kwargs");
      // The headers the Celery worker read, with their Python types.
      @SuppressWarnings("unchecked")
      Map<String, Object> headers = (Map<String, Object>) record.get("headers");
      @SuppressWarnings("unchecked")
      Map<String, Object> types = (Map<String, Object>) record.get("header_types");
      assertEquals(id, headers.get("id"), "id of n=" + n);
      assertEquals(id, record.get("id"));
      assertEquals("interop.py_record", headers.get("task"));
      assertEquals("java", headers.get("lang"));
      assertEquals(0, headers.get("retries"));
      assertEquals("int", types.get("retries"), "retries arrives as an int: " + types);
      assertEquals(0, record.get("retries"));
      assertEquals(id, headers.get("root_id"));
      assertNull(headers.get("parent_id"));
      assertEquals("list", types.get("timelimit"), types.toString());
      assertEquals(false, headers.get("ignore_result"), "as the stub's @Task says (ignoreResult false)");
      assertEquals("bool", types.get("ignore_result"), types.toString());
      assertEquals("str", types.get("argsrepr"), types.toString());
      assertEquals("str", types.get("kwargsrepr"), types.toString());
      assertEquals("str", types.get("origin"), types.toString());
      assertEquals(delayed ? "str" : "NoneType", types.get("eta"), "eta header of n=" + n);
      assertEquals(prioritised ? "str" : "NoneType", types.get("expires"), "expires header of n=" + n);
      // Delivery and properties.
      // As for a direct publish, also after the delay queues.
      assertEquals(PY_QUEUE, record.get("routing_key"), "routing key of n=" + n);
      assertEquals("", record.get("exchange"), "exchange of n=" + n);
      assertEquals(false, record.get("redelivered"), "delivered once, never returned");
      assertEquals(prioritised ? 9 : 0, record.get("priority"), "priority of n=" + n);
      @SuppressWarnings("unchecked")
      Map<String, Object> properties = (Map<String, Object>) record.get("properties");
      assertEquals("application/json", properties.get("content_type"));
      assertEquals("utf-8", properties.get("content_encoding"));
      assertEquals(2, properties.get("delivery_mode"));
      assertEquals(id, properties.get("correlation_id"));
    }
    Map<Long, String> countdownDelays = new TreeMap<>();
    for (Map.Entry<Long, Duration> countdown : countdowns.entrySet()) {
      long n = countdown.getKey();
      Map<String, Object> delayedRecord = byN.get(n);
      @SuppressWarnings("unchecked")
      String etaHeader = (String) ((Map<String, Object>) delayedRecord.get("headers")).get("eta");
      Instant eta = Instant.ofEpochMilli(countdownSentMillis.get(n)).plus(countdown.getValue());
      long etaSkewMillis = Math.abs(Instant.parse(etaHeader.replace("+00:00", "Z")).toEpochMilli() - eta.toEpochMilli());
      assertTrue(etaSkewMillis < 1000, "the eta header is the countdown's eta: " + etaHeader + " vs " + eta);
      double delay = ((Number) delayedRecord.get("ran_at")).doubleValue() - countdownSentMillis.get(n) / 1000.0;
      assertTrue(delay >= countdown.getValue().toMillis() / 1000.0, "countdown " + countdown.getValue()
          + " ran after only " + delay + " s");
      countdownDelays.put(n, String.format("%s ran after %.2f s", countdown.getValue(), delay));
    }
    List<String> delayQueues = ItRabbit.queueNames(VHOST).stream()
        .filter(name -> name.startsWith("celeriac.delay." + PY_QUEUE + ".")).sorted().toList();
    assertEquals(List.of(".0", ".1", ".exit").stream().map(level -> "celeriac.delay." + PY_QUEUE + level).toList(),
        delayQueues, "the countdowns went through levels 0 and 1 and the exit queue");
    try (Connection rabbit = ItRabbit.connect(VHOST)) {
      assertEquals(0, ready(rabbit, PY_QUEUE), "left in " + PY_QUEUE + " after the Celery worker stopped");
    }
    System.out.printf("amqp interop java->python: %d enqueued (100 single of which 5 priority 9 with expires, %d in"
            + " one batch, 2 countdowns), %d ran once each on Celery 5.2.6 with the exact args/kwargs and headers,"
            + " all with exchange '' and routing key %s, %d with extras as **kwargs; countdowns %s via %s; %d ms%n",
        total, total - 102, byN.size(), PY_QUEUE, extrasByN.values().stream().filter(e -> !e.isEmpty()).count(),
        countdownDelays.values(), delayQueues, Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  // ---------------------------------------------------------------------------------------------------
  // 3. Declaring in either order
  // ---------------------------------------------------------------------------------------------------

  @Test
  void eitherSideMayDeclareAQueueFirst() {
    long started = System.nanoTime();
    String javaFirst = "order-java-first";
    String pythonFirst = "order-python-first";
    PythonCelery python = new PythonCelery(BROKER_URL, Map.of());
    WorkerEvents events = new WorkerEvents();
    try (Celeriac app = Celeriac.create(CeleriacConfig.builder().brokerUrl(BROKER_URL).build())) {
      // Java first (the enqueue declares), then Celery's declaration of the same queue.
      TaskRef<?> a = RecordTask.with().on(app).queue(javaFirst).enqueue(1, "java-first", 1);
      assertEquals(javaFirst, python.command("declare", javaFirst).get(0).get("queue"));
      // Celery first, then Java's.
      python.command("declare", pythonFirst);
      TaskRef<?> b = RecordTask.with().on(app).queue(pythonFirst).enqueue(2, "python-first", 1);
      for (String queue : List.of(javaFirst, pythonFirst)) {
        JsonNode declared = ItRabbit.queue(VHOST, queue);
        assertTrue(declared.path("durable").asBoolean(), declared.toString());
        assertFalse(declared.path("auto_delete").asBoolean(), declared.toString());
        assertFalse(declared.path("exclusive").asBoolean(), declared.toString());
        assertEquals(0, declared.path("arguments").size(), declared.toString());
        JsonNode exchange = ItRabbit.exchange(VHOST, queue);
        assertEquals("direct", exchange.path("type").asText());
        assertTrue(exchange.path("durable").asBoolean());
        boolean bound = false;
        for (JsonNode binding : ItRabbit.queueBindings(VHOST, queue)) {
          bound |= binding.path("source").asText().equals(queue) && binding.path("routing_key").asText().equals(queue);
        }
        assertTrue(bound, queue + " is bound to its exchange with its name: " + ItRabbit.queueBindings(VHOST, queue));
      }
      // A worker on both declares them once more; each message runs once.
      Worker worker = app.worker(WorkerOptions.builder().queues(List.of(javaFirst, pythonFirst)).concurrency(2)
          .listener(events).build()).start();
      try {
        Waits.await("both messages to run", Duration.ofSeconds(20), () -> InteropTasks.runs().size() >= 2,
            () -> labels(InteropTasks.runs()) + ", " + events);
        Waits.sleep(Duration.ofMillis(300));
      } finally {
        worker.stop();
      }
      List<String> ran = InteropTasks.runs().stream().map(Run::id).toList();
      assertEquals(2, ran.size(), ran.toString());
      assertEquals(Set.of(a.id(), b.id()), Set.copyOf(ran));
      assertEquals(List.of(), events.deadLettered);

      // The control: the declarations are compared at all. A queue Celery declares with task_queue_max_priority
      // differs: Celeriac uses it as Celery declared it, and Celery refuses to declare it over Celeriac's classic
      // queue with PRECONDITION_FAILED.
      python.command("declare", "order-priority", "10");
      RecordTask.with().on(app).queue("order-priority").enqueue(3, "used as it is", 1);
      assertEquals(10, ItRabbit.queue(VHOST, "order-priority").path("arguments").path("x-max-priority").asInt());
      PythonResult pythonRefused = python.run("declare", javaFirst, "10");
      assertNotEquals(0, pythonRefused.exitCode());
      assertTrue(pythonRefused.stderr().contains("PRECONDITION_FAILED"), pythonRefused.stderr());
    }
    System.out.printf("amqp interop declarations: Java then Celery and Celery then Java declared identical queues"
            + " (durable, no arguments, direct exchange, bound by name), both messages ran once; Celeriac used"
            + " Celery's max-priority queue as it was, Celery refused to redeclare Celeriac's; %d ms%n",
        Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  // ---------------------------------------------------------------------------------------------------

  /** What interop_app.py printed for one send_task: its key, the task id, and the time just before sending. */
  record Sent(String key, String id, double sentAt) {}

  private static Map<String, Sent> sent(List<Map<String, Object>> lines) {
    Map<String, Sent> sent = new LinkedHashMap<>();
    for (Map<String, Object> line : lines) {
      Sent s = new Sent((String) line.get("key"), (String) line.get("id"), ((Number) line.get("sent_at")).doubleValue());
      sent.put(s.key(), s);
    }
    return sent;
  }

  private static Run only(Map<String, List<Run>> runsById, Map<String, Sent> sent, String key) {
    return runsById.get(sent.get(key).id()).get(0);
  }

  private static List<String> labels(List<Run> runs) {
    return runs.stream().map(Run::label).toList();
  }

  private static String label(long n) {
    return "label-" + n + "-\u00e9\u2713";
  }

  /** Ready messages of {@code queue}, -1 when it does not exist. */
  private static long ready(Connection rabbit, String queue) {
    long[] counts = ItRabbit.readyAndConsumers(rabbit, queue);
    return counts == null ? -1 : counts[0];
  }

  /**
   * Takes {@code count} messages without acking them, keyed by task id, then gives them back (a nack with
   * requeue puts them back in their places).
   */
  private static Map<String, AMQP.BasicProperties> peek(Connection rabbit, String queue, int count)
      throws IOException, TimeoutException {
    Map<String, AMQP.BasicProperties> peeked = new LinkedHashMap<>();
    Channel channel = rabbit.createChannel();
    try {
      long last = -1;
      for (int i = 0; i < count; i++) {
        GetResponse response = channel.basicGet(queue, false);
        assertNotNull(response, "message " + (i + 1) + " of " + count + " on " + queue);
        peeked.put(String.valueOf(response.getProps().getHeaders().get("id")), response.getProps());
        last = response.getEnvelope().getDeliveryTag();
      }
      channel.basicNack(last, true, true);
    } finally {
      channel.close();
    }
    return peeked;
  }

  private static List<String> lines(Path file) {
    try {
      if (!Files.exists(file)) {
        return List.of();
      }
      List<String> lines = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          lines.add(line);
        }
      }
      return lines;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
