package dev.celeriac.it.redis.interop;

import static dev.celeriac.it.redis.interop.InteropSupport.BROKER_URL;
import static dev.celeriac.it.redis.interop.InteropSupport.await;
import static dev.celeriac.it.redis.interop.InteropSupport.brokerState;
import static dev.celeriac.it.redis.interop.InteropSupport.interopCommand;
import static dev.celeriac.it.redis.interop.InteropSupport.priorityKey;
import static dev.celeriac.it.redis.interop.InteropSupport.ready;
import static dev.celeriac.it.redis.interop.InteropSupport.redis;
import static dev.celeriac.it.interop.PythonCelery.jsonOf;
import static dev.celeriac.it.redis.interop.InteropSupport.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.celeriac.Batch;
import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.TaskRef;
import dev.celeriac.broker.Delivery;
import dev.celeriac.broker.redis.RedisBroker;
import dev.celeriac.broker.redis.RedisSettings;
import dev.celeriac.it.interop.InteropTasks;
import dev.celeriac.it.interop.InteropTasks.Run;
import dev.celeriac.it.interop.PyRecordTask;
import dev.celeriac.it.interop.RecordTask;
import dev.celeriac.it.interop.WorkerEvents;
import dev.celeriac.worker.Outcome;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Celeriac and Debian's Python Celery 5.2.6 / kombu 5.2.4 on one Redis database (db 12), in both
 * directions, every message counted: Python {@code send_task} to a Celeriac worker, Celeriac stubs to a
 * real Celery worker, and kombu's visibility-timeout restore of an entry a Celeriac worker left in
 * {@code unacked}. Fails (never skips) without Redis or Python Celery.
 */
@Tag("redis")
@Tag("python")
class RedisInteropTest {

  private static final String JAVA_QUEUE = "interop-java";
  private static final String PY_QUEUE = "interop-py";
  private static final String RESTORE_QUEUE = "interop-restore";
  private static final String PY_RECORDS = "interop:py:records";

  @BeforeAll
  static void requireRedisAndPythonCelery() {
    InteropSupport.requireRedis();
    InteropSupport.requirePythonCelery();
    flush();
  }

  @BeforeEach
  void cleanSlate() {
    flush();
    InteropTasks.reset();
  }

  private static void flush() {
    try (Jedis redis = redis()) {
      redis.flushDB();
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // 1. Python producer -> Java worker
  // ---------------------------------------------------------------------------------------------------

  @Test
  void pythonProducerToJavaWorker() {
    long started = System.nanoTime();
    WorkerEvents events = new WorkerEvents();
    try (Celeriac app = Celeriac.create(CeleriacConfig.builder().brokerUrl(BROKER_URL).build())) {
      // (e) priorities, (f) a 1 s expiry: sent while no Java worker runs, so that they all wait together.
      Map<String, Sent> early = sent(interopCommand("produce-priority"));
      assertEquals(7, early.size(), early.toString());
      InteropSupport.sleep(untilMillisAfter(early.get("expired-short"), 1300));
      try (Jedis redis = redis()) {
        assertEquals(7, ready(redis, JAVA_QUEUE), brokerState(JAVA_QUEUE));
        // kombu's keys: priority 9 on step 9, 7 and 6 on step 6, 5 and 3 on step 3, 0 (and the
        // unprioritised expiring message) on the bare queue name.
        assertEquals(2, redis.llen(priorityKey(JAVA_QUEUE, 0)));
        assertEquals(2, redis.llen(priorityKey(JAVA_QUEUE, 3)));
        assertEquals(2, redis.llen(priorityKey(JAVA_QUEUE, 6)));
        assertEquals(1, redis.llen(priorityKey(JAVA_QUEUE, 9)));
      }
      // One slot: start order is fetch order, which must be kombu's priority order.
      Worker single = app.worker(WorkerOptions.builder().queues(List.of(JAVA_QUEUE)).concurrency(1)
          .listener(events).build()).start();
      try {
        await("6 prioritised runs and 1 expiry", Duration.ofSeconds(15),
            () -> InteropTasks.runs().size() >= 6 && events.expired.size() >= 1,
            () -> "runs " + InteropTasks.runs() + ", " + events + ", " + brokerState(JAVA_QUEUE));
      } finally {
        single.stop();
      }
      assertEquals(List.of("p0", "p5", "p3", "p7", "p6", "p9"),
          InteropTasks.runs().stream().map(Run::label).toList(),
          "Redis priority 0 is served first, then steps 3, 6, 9, each FIFO");
      assertEquals(List.of(early.get("expired-short").id()), List.copyOf(events.expired));
      assertEquals(6, single.count(Outcome.SUCCEEDED));
      assertEquals(1, single.count(Outcome.EXPIRED));

      // (a)-(d), (f): sent while a two-slot worker runs.
      Worker worker = app.worker(WorkerOptions.builder().queues(List.of(JAVA_QUEUE)).concurrency(2)
          .listener(events).build()).start();
      Map<String, Sent> main;
      try {
        main = sent(interopCommand("produce-main"));
        assertEquals(7, main.size(), main.toString());
        await("5 more runs and 2 more expiries", Duration.ofSeconds(20),
            () -> InteropTasks.runs().size() >= 11 && events.expired.size() >= 3,
            () -> "runs " + InteropTasks.runs() + ", " + events + ", " + brokerState(JAVA_QUEUE));
        // Anything run twice would show up within this grace period.
        InteropSupport.sleep(Duration.ofMillis(500));
        await("every ack to reach Redis", Duration.ofSeconds(5), () -> {
          try (Jedis redis = redis()) {
            return redis.hlen("unacked") == 0 && redis.zcard("unacked_index") == 0;
          }
        }, () -> brokerState(JAVA_QUEUE));
      } finally {
        worker.stop();
      }

      Map<String, Sent> all = new HashMap<>(early);
      all.putAll(main);
      Map<String, List<Run>> runsById = InteropTasks.runs().stream().collect(Collectors.groupingBy(Run::id));
      List<String> mustRun = List.of("p0", "p3", "p5", "p6", "p7", "p9",
          "kwargs", "positional", "extras", "countdown", "expires-long");
      for (String key : mustRun) {
        List<Run> runs = runsById.getOrDefault(all.get(key).id(), List.of());
        assertEquals(1, runs.size(), key + " must run exactly once: " + runs);
        assertEquals(JAVA_QUEUE, runs.get(0).queue());
        assertEquals(0, runs.get(0).retries());
      }
      assertEquals(11, InteropTasks.runs().size(), "no other runs: " + InteropTasks.runs());
      for (String key : List.of("expired-short", "expired-past", "expired-before-eta")) {
        assertFalse(runsById.containsKey(all.get(key).id()), key + " must not run");
        assertTrue(events.expired.contains(all.get(key).id()), key + " must be discarded as expired: " + events);
      }
      assertEquals(3, events.expired.size(), events.toString());
      assertEquals(List.of(), events.deadLettered, "expired messages are discarded, not dead-lettered");
      assertEquals(5, worker.count(Outcome.SUCCEEDED));
      assertEquals(2, worker.count(Outcome.EXPIRED));
      assertEquals(0, app.broker().deadLetters().count(JAVA_QUEUE));

      // Typed binding, Python to Java.
      Run kwargs = only(runsById, all, "kwargs");
      assertEquals(List.of(1L, "kwargs-only", 1, Map.of()),
          List.of(kwargs.n(), kwargs.label(), kwargs.weight(), kwargs.extras()), "(a) kwargs, @Default weight");
      Run positional = only(runsById, all, "positional");
      assertEquals(List.of(2L, "positional", 7, Map.of()),
          List.of(positional.n(), positional.label(), positional.weight(), positional.extras()), "(b) args");
      Run extras = only(runsById, all, "extras");
      assertEquals(List.of(3L, "extras", 4), List.of(extras.n(), extras.label(), extras.weight()));
      Map<String, Object> expectedExtras = new LinkedHashMap<>();
      expectedExtras.put("trace_id", "abc-123");
      expectedExtras.put("nested", Map.of("a", Arrays.asList(1, 2.5, null, true)));
      expectedExtras.put("unicode", "h\u00e9llo \u2713");
      assertEquals(expectedExtras, extras.extras(), "(c) unknown kwargs land in @Extras with their JSON types");
      Run countdown = only(runsById, all, "countdown");
      double countdownDelay = countdown.startedMillis() / 1000.0 - all.get("countdown").sentAt();
      assertTrue(countdownDelay >= 3.0, "(d) countdown=3 ran after only " + countdownDelay + " s");
      assertTrue(countdownDelay < 6.0, "(d) countdown=3 ran late, after " + countdownDelay + " s");
      Run longExpiry = only(runsById, all, "expires-long");
      assertEquals(7L, longExpiry.n());

      try (Jedis redis = redis()) {
        assertEquals(0, ready(redis, JAVA_QUEUE), brokerState(JAVA_QUEUE));
        assertEquals(0, redis.hlen("unacked"), brokerState(JAVA_QUEUE));
        assertEquals(0, redis.zcard("unacked_index"), brokerState(JAVA_QUEUE));
        assertEquals(0, redis.zcard("celeriac:delayed:" + JAVA_QUEUE), "nothing left parked");
      }
      System.out.printf("interop python->java: %d sent, %d ran once each, %d expired (not run, not dead-lettered),"
              + " priority order %s, countdown=3 ran after %.2f s; %d ms%n",
          all.size(), InteropTasks.runs().size(), events.expired.size(),
          InteropTasks.runs().subList(0, 6).stream().map(Run::label).toList(), countdownDelay,
          Duration.ofNanos(System.nanoTime() - started).toMillis());
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // 2. Java producer -> Python worker
  // ---------------------------------------------------------------------------------------------------

  @Test
  void javaProducerToPythonWorker() throws Exception {
    long started = System.nanoTime();
    int total = 200;
    Path log = InteropSupport.logDir().resolve("celery-worker-" + System.currentTimeMillis() + ".log");
    Process celery = InteropSupport.startCeleryWorker(PY_QUEUE, log);
    try (Celeriac app = Celeriac.create(CeleriacConfig.builder().brokerUrl(BROKER_URL).build())) {
      Map<Long, TaskRef<?>> refs = new TreeMap<>();
      Map<Long, Map<String, Object>> extrasByN = new HashMap<>();
      for (long n = 0; n < total; n++) {
        Map<String, Object> extras = n % 4 == 0
            ? Map.of("trace_id", "t-" + n, "nested", Map.of("list", List.of(n, "x", true)), "ratio", 0.5)
            : Map.of();
        extrasByN.put(n, extras);
      }
      // 0-99 one by one; every fourth with extras; 5, 25, 45, ... on the priority-9 list with a long expiry.
      for (long n = 0; n < 100; n++) {
        PyRecordTask.Call call = PyRecordTask.with().on(app);
        if (n % 20 == 5) {
          call.priority(9).expires(Duration.ofMinutes(10));
        }
        refs.put(n, call.enqueue(n, label(n), extrasByN.get(n)));
      }
      // 100-198 in one batch: one pipelined round trip.
      try (Batch batch = app.batch()) {
        for (long n = 100; n < total - 1; n++) {
          refs.put(n, PyRecordTask.with().in(batch).enqueue(n, label(n), extrasByN.get(n)));
        }
        assertEquals(total - 101, batch.size());
      }
      // 199 with a countdown: the eta header a Python worker honours.
      long countdownSentMillis = System.currentTimeMillis();
      refs.put((long) total - 1, PyRecordTask.with().on(app).countdown(Duration.ofSeconds(2))
          .enqueue(total - 1, label(total - 1), extrasByN.get((long) total - 1)));

      await(total + " runs recorded by the Python worker", Duration.ofSeconds(40), () -> {
        try (Jedis redis = redis()) {
          return redis.llen(PY_RECORDS) >= total;
        }
      }, () -> brokerState(PY_QUEUE) + ", recorded " + llen(PY_RECORDS) + ", worker alive " + celery.isAlive()
          + "\n--- celery worker log ---\n" + InteropSupport.tail(log, 40));
      InteropSupport.sleep(Duration.ofMillis(500)); // a duplicate would be recorded within this

      List<Map<String, Object>> records;
      try (Jedis redis = redis()) {
        records = redis.lrange(PY_RECORDS, 0, -1).stream().map(InteropSupport::parse).toList();
        assertEquals(0, ready(redis, PY_QUEUE), brokerState(PY_QUEUE));
      }
      assertEquals(total, records.size(), "every message runs exactly once");
      Map<Long, Map<String, Object>> byN = new TreeMap<>();
      for (Map<String, Object> record : records) {
        long n = ((Number) record.get("n")).longValue();
        assertTrue(byN.put(n, record) == null, "n=" + n + " ran twice");
      }
      assertEquals(refs.keySet(), byN.keySet());
      for (Map.Entry<Long, Map<String, Object>> entry : byN.entrySet()) {
        long n = entry.getKey();
        Map<String, Object> record = entry.getValue();
        assertEquals(refs.get(n).id(), record.get("id"), "task id of n=" + n);
        assertEquals("int", record.get("n_type"), "n arrives as a Python int");
        assertEquals(label(n), record.get("label"));
        assertEquals(PY_QUEUE, record.get("routing_key"));
        assertEquals(0, record.get("retries"));
        assertEquals(false, record.get("redelivered"), "delivered once, never restored");
        assertEquals(jsonOf(extrasByN.get(n)), jsonOf(record.get("kwargs")),
            "extras of n=" + n + " arrive as Python **kwargs");
      }
      Map<String, Object> delayed = byN.get((long) total - 1);
      assertNotNull(delayed.get("eta"), "the countdown travels as an eta header");
      double countdownDelay = ((Number) delayed.get("ran_at")).doubleValue() - countdownSentMillis / 1000.0;
      assertTrue(countdownDelay >= 2.0, "countdown=2s ran after only " + countdownDelay + " s");

      InteropSupport.stop(celery);
      try (Jedis redis = redis()) {
        assertEquals(0, redis.hlen("unacked"), brokerState(PY_QUEUE));
        assertEquals(0, redis.zcard("unacked_index"), brokerState(PY_QUEUE));
      }
      System.out.printf("interop java->python: %d enqueued (%d single of which 5 priority 9, %d in one batch, 1 countdown), %d ran once"
              + " each on Celery %s, %d with extras as **kwargs, countdown=2s ran after %.2f s; %d ms%n",
          total, 100, total - 101, byN.size(), "5.2.6",
          extrasByN.values().stream().filter(e -> !e.isEmpty()).count(), countdownDelay,
          Duration.ofNanos(System.nanoTime() - started).toMillis());
    } finally {
      InteropSupport.stop(celery);
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // 3. Shared in-flight records: Celeriac's unacked entries are kombu's, and kombu restores them
  // ---------------------------------------------------------------------------------------------------

  @Test
  void kombuRestoresWhatAGoneCeleriacWorkerLeftInFlight() {
    long started = System.nanoTime();
    // A short heartbeat timeout so that the live worker's recovery of the gone one happens within the test.
    RedisSettings settings = RedisSettings.defaults().withHeartbeatTimeout(Duration.ofSeconds(2));
    CeleriacConfig config = CeleriacConfig.builder().brokerUrl(BROKER_URL).brokerSettings(settings).build();
    String celeriacTag;
    String celeriacDeliveryTag;
    String kombuTag;
    TaskRef<?> fromCeleriac;
    TaskRef<?> fromKombu;
    String goneWorker;

    try (Celeriac gone = Celeriac.create(config); Jedis redis = redis()) {
      goneWorker = ((RedisBroker) gone.broker()).workerId();
      // A message a Celeriac consumer fetches and never acks: Broker.fetch is what a Worker's fetch thread
      // calls, and closing the app without settling the delivery is the process dying after the fetch (its
      // heartbeat stops, its in-flight records stay). A Worker can't be made to die that way in-process.
      fromCeleriac = RecordTask.with().on(gone).queue(RESTORE_QUEUE).enqueue(41, "held-by-celeriac", 1);
      String celeriacEnvelope = redis.lindex(RESTORE_QUEUE, 0);
      celeriacDeliveryTag = tree(celeriacEnvelope).path("properties").path("delivery_tag").asText();
      double before = nowSeconds(redis);
      List<Delivery> fetched = fetchOne(gone);
      double after = nowSeconds(redis);
      // Celeriac records its deliveries under '<worker>#<n>' (kombu keys its restore on that field, not on
      // the delivery tag), so that a message kombu restores and another worker fetches again never shares
      // the gone worker's field.
      Set<String> goneFields = redis.hkeys("celeriac:in-flight:" + goneWorker);
      assertEquals(1, goneFields.size(), goneFields.toString());
      celeriacTag = goneFields.iterator().next();
      assertTrue(celeriacTag.startsWith(goneWorker + "#"), celeriacTag);
      assertEquals(fromCeleriac.id(), fetched.get(0).message().id());

      // kombu's QoS.append writes HSET unacked <tag> dumps([message._raw, EX, RK]) and
      // ZADD unacked_index <time()> <tag>: the envelope as an object, the exchange, the routing key.
      String entry = redis.hget("unacked", celeriacTag);
      assertEquals("[" + celeriacEnvelope + ", \"\", \"" + RESTORE_QUEUE + "\"]", entry,
          "the Celeriac entry is the envelope, unchanged, in kombu's layout");
      assertUnackedEntry(entry, celeriacEnvelope, redis.zscore("unacked_index", celeriacTag), before, after);

      // The same kind of message, taken by kombu itself (basic_get without ack), for a side-by-side look.
      fromKombu = RecordTask.with().on(gone).queue(RESTORE_QUEUE).enqueue(42, "held-by-kombu", 1);
      String kombuEnvelope = redis.lindex(RESTORE_QUEUE, 0);
      double kombuBefore = nowSeconds(redis);
      kombuTag = (String) interopCommand("kombu-get", RESTORE_QUEUE).get(0).get("delivery_tag");
      double kombuAfter = nowSeconds(redis);
      assertEquals(tree(kombuEnvelope).path("properties").path("delivery_tag").asText(), kombuTag);
      assertUnackedEntry(redis.hget("unacked", kombuTag), kombuEnvelope, redis.zscore("unacked_index", kombuTag),
          kombuBefore, kombuAfter);
      assertEquals(2, redis.hlen("unacked"));
      assertEquals(0, ready(redis, RESTORE_QUEUE));
      // Closing stops the heartbeat and leaves the unacked delivery recorded: the worker is gone.
    }

    try (Jedis redis = redis()) {
      // Past a 1 s visibility timeout, kombu's own sweep restores both entries: Celeriac's and its own.
      InteropSupport.sleep(Duration.ofMillis(1200));
      Map<String, Object> sweep = interopCommand("kombu-restore", "1").get(0);
      assertEquals(2, sweep.get("unacked_before"), sweep.toString());
      assertEquals(0, sweep.get("unacked_after"), sweep.toString());
      assertEquals(0, redis.zcard("unacked_index"));
      List<String> restored = redis.lrange(RESTORE_QUEUE, 0, -1);
      assertEquals(2, restored.size(), brokerState(RESTORE_QUEUE));
      Set<String> restoredTags = restored.stream().map(e -> {
        JsonNode envelope = tree(e);
        assertTrue(envelope.path("headers").path("redelivered").asBoolean(), e);
        assertTrue(envelope.path("properties").path("delivery_info").path("redelivered").asBoolean(), e);
        assertEquals(RESTORE_QUEUE, envelope.path("properties").path("delivery_info").path("routing_key").asText());
        return envelope.path("properties").path("delivery_tag").asText();
      }).collect(Collectors.toSet());
      assertEquals(Set.of(celeriacDeliveryTag, kombuTag), restoredTags, "restored with their delivery tags");
    }

    WorkerEvents events = new WorkerEvents();
    try (Celeriac live = Celeriac.create(config)) {
      // The live broker's periodic sweep returns the in-flight records of workers whose heartbeat lapsed.
      // Run it by hand until it has dealt with the gone worker, before any worker fetches, so that this
      // test does not depend on the race described in kombuRestoredMessageRunsOnceWhileGoneWorkerIsRecovered:
      // the entry kombu already restored must be skipped, not pushed a second time.
      RedisBroker liveBroker = (RedisBroker) live.broker();
      await("the gone worker's heartbeat to lapse and its in-flight record to be cleared", Duration.ofSeconds(10),
          () -> {
            liveBroker.maintain();
            try (Jedis redis = redis()) {
              return redis.zscore("celeriac:workers", goneWorker) == null
                  && !redis.exists("celeriac:in-flight:" + goneWorker);
            }
          }, () -> brokerState(RESTORE_QUEUE));
      try (Jedis redis = redis()) {
        assertEquals(2, ready(redis, RESTORE_QUEUE), "recovery pushed nothing kombu had restored: "
            + brokerState(RESTORE_QUEUE));
      }
      Worker worker = live.worker(WorkerOptions.builder().queues(List.of(RESTORE_QUEUE)).concurrency(2)
          .listener(events).build()).start();
      try {
        await("both restored messages to run", Duration.ofSeconds(10), () -> InteropTasks.runs().size() >= 2,
            () -> "runs " + InteropTasks.runs() + ", " + events + ", " + brokerState(RESTORE_QUEUE));
        InteropSupport.sleep(Duration.ofMillis(500)); // a duplicate would run within this
      } finally {
        worker.stop();
      }
      Map<String, List<Run>> runsById = InteropTasks.runs().stream().collect(Collectors.groupingBy(Run::id));
      assertEquals(1, runsById.getOrDefault(fromCeleriac.id(), List.of()).size(), "Celeriac's entry ran once: "
          + InteropTasks.runs());
      assertEquals(1, runsById.getOrDefault(fromKombu.id(), List.of()).size(), "kombu's entry ran once: "
          + InteropTasks.runs());
      assertEquals(2, InteropTasks.runs().size(), InteropTasks.runs().toString());
      assertEquals(2, worker.count(Outcome.SUCCEEDED));
      assertEquals(List.of(), events.deadLettered);
      await("every ack to reach Redis", Duration.ofSeconds(5), () -> {
        try (Jedis redis = redis()) {
          return redis.hlen("unacked") == 0 && redis.zcard("unacked_index") == 0;
        }
      }, () -> brokerState(RESTORE_QUEUE));
      try (Jedis redis = redis()) {
        assertEquals(0, ready(redis, RESTORE_QUEUE), brokerState(RESTORE_QUEUE));
      }
    }
    System.out.printf("interop kombu restore: 2 in-flight entries (1 written by Celeriac, 1 by kombu) restored by"
            + " kombu 5.2.4's restore_visible, each ran once on Celeriac; %d ms%n",
        Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  /**
   * A message kombu restored from a gone Celeriac worker runs once while a live Celeriac worker holds it and
   * its heartbeat recovery deals with the gone worker. kombu's restore keeps the delivery tag; Celeriac's
   * in-flight fields carry the worker's id, so recovery never mistakes the live worker's entry for the
   * gone worker's (it used to, and the task ran twice).
   */
  @Test
  void kombuRestoredMessageRunsOnceWhileGoneWorkerIsRecovered() {
    RedisSettings settings = RedisSettings.defaults().withHeartbeatTimeout(Duration.ofSeconds(2));
    CeleriacConfig config = CeleriacConfig.builder().brokerUrl(BROKER_URL).brokerSettings(settings).build();
    TaskRef<?> ref;
    try (Celeriac gone = Celeriac.create(config)) {
      // Held 3 s by the task, so that the live worker's recovery (every heartbeat timeout / 3) runs meanwhile.
      ref = RecordTask.with().on(gone).queue(RESTORE_QUEUE).enqueue(43, "slow", 1, Map.of("sleep_ms", 3000));
      fetchOne(gone);
    }
    InteropSupport.sleep(Duration.ofMillis(1200));
    assertEquals(1, interopCommand("kombu-restore", "1").get(0).get("unacked_before"));
    try (Celeriac live = Celeriac.create(config)) {
      Worker worker = live.worker(WorkerOptions.builder().queues(List.of(RESTORE_QUEUE)).concurrency(2).build())
          .start();
      try {
        await("the restored message to run", Duration.ofSeconds(10), () -> InteropTasks.runs().size() >= 1,
            () -> brokerState(RESTORE_QUEUE));
        InteropSupport.sleep(Duration.ofSeconds(5)); // past the gone worker's lapse and the 3 s run
      } finally {
        worker.stop();
      }
      assertEquals(List.of(ref.id()), InteropTasks.runs().stream().map(Run::id).toList(), "runs exactly once");
    }
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

  private static Duration untilMillisAfter(Sent sent, long millis) {
    long due = (long) (sent.sentAt() * 1000) + millis;
    return Duration.ofMillis(Math.max(0, due - System.currentTimeMillis()));
  }

  private static Run only(Map<String, List<Run>> runsById, Map<String, Sent> sent, String key) {
    return runsById.get(sent.get(key).id()).get(0);
  }

  private static String label(long n) {
    return "label-" + n + "-\u00e9\u2713";
  }

  private static long llen(String key) {
    try (Jedis redis = redis()) {
      return redis.llen(key);
    }
  }

  private static double nowSeconds(Jedis redis) {
    List<String> time = redis.time();
    return Long.parseLong(time.get(0)) + Long.parseLong(time.get(1)) / 1_000_000.0;
  }

  private static List<Delivery> fetchOne(Celeriac app) {
    try {
      List<Delivery> fetched = app.broker().fetch(List.of(RESTORE_QUEUE), 1, Duration.ofSeconds(5));
      assertEquals(1, fetched.size(), "one message fetched");
      return fetched;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** {@code [<envelope object>, "", "<queue>"]} with an {@code unacked_index} score of the fetch time. */
  private static void assertUnackedEntry(String entry, String envelope, Double score, double before, double after) {
    assertNotNull(entry, "an unacked entry");
    JsonNode parsed = tree(entry);
    assertTrue(parsed.isArray() && parsed.size() == 3, entry);
    assertTrue(parsed.get(0).isObject(), "the envelope is stored as an object, not a string: " + entry);
    assertEquals(tree(envelope), parsed.get(0));
    assertEquals("", parsed.get(1).asText());
    assertEquals(RESTORE_QUEUE, parsed.get(2).asText());
    assertNotNull(score, "an unacked_index score");
    assertTrue(score >= before - 0.01 && score <= after + 0.01,
        "unacked_index score " + score + " is the delivery time in seconds, within [" + before + ", " + after + "]");
  }
}
