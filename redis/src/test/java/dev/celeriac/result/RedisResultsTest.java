package dev.celeriac.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.EnqueueOptions;
import dev.celeriac.ResultTimeoutException;
import dev.celeriac.TaskDefinition;
import dev.celeriac.TaskFailedException;
import dev.celeriac.TaskRef;
import dev.celeriac.TaskRegistry;
import dev.celeriac.ValueType;
import dev.celeriac.broker.redis.TestRedis;
import dev.celeriac.protocol.MessageCodec;
import dev.celeriac.testsupport.Waits;
import dev.celeriac.worker.BrokerRoles;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/** A worker storing results in a real Redis as Celery's Redis backend does, and producers reading them. */
@Tag("redis")
class RedisResultsTest {

  static final int RESULT_DB = 12;
  static final String RESULTS = "redis://" + TestRedis.HOST + ":" + TestRedis.PORT + "/" + RESULT_DB;
  static final Duration WAIT = Duration.ofSeconds(10);

  static final AtomicInteger flakyRuns = new AtomicInteger();
  static volatile CountDownLatch release = new CountDownLatch(1);

  static final TaskDefinition ADD = TaskDefinition.builder("results.add").queue("results")
      .resultType(ValueType.boxed(ValueType.Kind.LONG))
      .function(arguments -> 2L + 3L).build();
  static final TaskDefinition FAIL = TaskDefinition.builder("results.fail").queue("results").maxRetries(0)
      .function(arguments -> {
        throw new IllegalStateException("boom");
      }).build();
  static final TaskDefinition IGNORED = TaskDefinition.builder("results.ignored").queue("results").ignoreResult(true)
      .function(arguments -> "x").build();
  static final TaskDefinition STARTED = TaskDefinition.builder("results.started").queue("results").trackStarted(true)
      .function(arguments -> {
        release.await(10, TimeUnit.SECONDS);
        return List.of("a", "b");
      }).build();
  static final TaskDefinition FLAKY = TaskDefinition.builder("results.flaky").queue("results").maxRetries(1)
      .defaultRetryDelaySeconds(1)
      .function(arguments -> {
        if (flakyRuns.incrementAndGet() == 1) {
          throw new IllegalArgumentException("once");
        }
        return Map.of("ok", true);
      }).build();
  static final AtomicInteger unstorableRuns = new AtomicInteger();
  /** Returns a value with no JSON form: a Map<String, Object> task that put a date in its map. */
  static final TaskDefinition UNSTORABLE = TaskDefinition.builder("results.unstorable").queue("results")
      .function(arguments -> {
        unstorableRuns.incrementAndGet();
        return Map.of("when", java.time.LocalDate.of(2026, 12, 5));
      }).build();
  static final TaskDefinition SLOW = TaskDefinition.builder("results.slow").queue("results").maxRetries(0)
      .function(arguments -> {
        Thread.sleep(5000);
        return 1;
      }).build();

  static volatile Celeriac running;
  static final java.util.concurrent.atomic.AtomicReference<String> sentByParent =
      new java.util.concurrent.atomic.AtomicReference<>();
  /** Sends ADD from inside its run, as a task that fans out work does. */
  static final TaskDefinition PARENT = TaskDefinition.builder("results.parent").queue("results")
      .function(arguments -> {
        sentByParent.set(running.send(ADD.name(), null, null, EnqueueOptions.DEFAULTS).id());
        return "sent";
      }).build();

  Celeriac app;
  Worker worker;
  Jedis redis;

  @BeforeEach
  void setUp() {
    release = new CountDownLatch(1);
    redis = new Jedis(TestRedis.HOST, TestRedis.PORT);
    redis.select(RESULT_DB);
    redis.flushDB();
    app = Celeriac.create(CeleriacConfig.builder().brokerUrl("memory://").resultBackend(RESULTS)
        .registry(TaskRegistry.of(List.of(ADD, FAIL, IGNORED, STARTED, FLAKY, SLOW, UNSTORABLE, PARENT))).build());
    running = app;
    worker = app.worker(WorkerOptions.builder().queues(List.of("results")).concurrency(1).hostname("w1@test")
        .build()).start();
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    worker.stop(Duration.ofSeconds(5));
    app.close();
    redis.close();
  }

  private TaskRef<Object> send(TaskDefinition task) {
    return app.send(task.name(), null, null, EnqueueOptions.DEFAULTS);
  }

  @Test
  void successIsStoredAsCeleryStoresIt() {
    TaskRef<Object> ref = send(ADD);
    assertEquals(5L, ref.get(WAIT));
    assertEquals(TaskState.SUCCESS, ref.state());
    String stored = redis.get("celery-task-meta-" + ref.id());
    assertTrue(stored.startsWith("{\"status\": \"SUCCESS\", \"result\": 5, \"traceback\": null, \"children\": [],"
        + " \"date_done\": \""), stored);
    assertTrue(stored.endsWith("\", \"task_id\": \"" + ref.id() + "\"}"), stored);
    long ttl = redis.ttl("celery-task-meta-" + ref.id());
    assertTrue(ttl > 86000 && ttl <= 86400, "ttl " + ttl);
    assertEquals(5L, app.result(ref.id(), ValueType.boxed(ValueType.Kind.LONG)).get(WAIT));
    ref.forget();
    assertEquals(TaskState.PENDING, ref.state());
  }

  @Test
  void failureCarriesTheJavaTypeAndMessage() {
    TaskRef<Object> ref = send(FAIL);
    TaskFailedException e = assertThrows(TaskFailedException.class, () -> ref.get(WAIT));
    assertEquals("IllegalStateException", e.remoteType());
    assertEquals("java.lang", e.remoteModule());
    assertEquals("boom", e.remoteMessage());
    assertTrue(e.remoteTraceback().contains("java.lang.IllegalStateException: boom"));
    assertEquals(TaskState.FAILURE, ref.state());
  }

  @Test
  void ignoredResultsStoreNothing() throws Exception {
    TaskRef<Object> ref = send(IGNORED);
    TaskRef<Object> after = send(ADD);
    after.get(WAIT);
    // One worker thread, one queue: the ignored task ran first.
    assertNull(redis.get("celery-task-meta-" + ref.id()));
    assertEquals(TaskState.PENDING, ref.state());
  }

  @Test
  void startedIsVisibleWhileTheTaskRuns() throws Exception {
    TaskRef<Object> ref = send(STARTED);
    Waits.await("the task to start", WAIT, () -> ref.state() == TaskState.STARTED, () -> "state " + ref.state());
    String stored = redis.get("celery-task-meta-" + ref.id());
    assertTrue(stored.startsWith("{\"status\": \"STARTED\", \"result\": {\"pid\": " + ProcessHandle.current().pid()
        + ", \"hostname\": \"w1@test\"}, \"traceback\": null, \"children\": [], \"date_done\": null"), stored);
    release.countDown();
    assertEquals(List.of("a", "b"), ref.get(WAIT));
  }

  @Test
  void retryIsStoredThenTheResult() throws Exception {
    TaskRef<Object> ref = send(FLAKY);
    Waits.await("the retry to be stored", WAIT, () -> ref.state() == TaskState.RETRY, () -> "state " + ref.state());
    assertEquals(TaskState.RETRY, ref.state());
    // As Celery's: the retry is a task the run sent, so RETRY lists it in its children.
    assertTrue(redis.get("celery-task-meta-" + ref.id()).contains(
        "\"children\": [[[\"" + ref.id() + "\", null], null]]"), redis.get("celery-task-meta-" + ref.id()));
    assertEquals(Map.of("ok", true), ref.get(WAIT));
  }

  @Test
  void manyThreadsWaitingShareOneConnectionAndLeaveThePoolFree() throws Exception {
    release = new CountDownLatch(1);
    int waiters = 64;
    List<TaskRef<Object>> refs = new java.util.ArrayList<>();
    for (int i = 0; i < waiters; i++) {
      refs.add(send(STARTED));
    }
    java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(waiters);
    try {
      List<java.util.concurrent.Future<Object>> values = new java.util.ArrayList<>();
      for (TaskRef<Object> ref : refs) {
        values.add(threads.submit(() -> ref.get(Duration.ofSeconds(60))));
      }
      // 64 threads blocked in get(): the pool still serves reads, and the worker still stores results.
      awaitClients("celeriac-result-waits", 1);
      assertEquals(TaskState.STARTED, refs.get(0).state());
      release.countDown();
      for (java.util.concurrent.Future<Object> value : values) {
        assertEquals(List.of("a", "b"), value.get(60, TimeUnit.SECONDS));
      }
      assertEquals(1, clients("celeriac-result-waits"), "one subscribed connection for every wait");
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aWaitOutlivesItsSubscriptionBeingKilled() throws Exception {
    TaskRef<Object> ref = send(STARTED);
    java.util.concurrent.CompletableFuture<Object> value = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> ref.get(Duration.ofSeconds(30)));
    Waits.await("the result wait's subscription", WAIT, () -> clientLines("celeriac-result-waits").stream()
        .anyMatch(line -> line.matches(".* p?sub=[1-9].*")), () -> clientLines("celeriac-result-waits").toString());
    try (Jedis admin = new Jedis(TestRedis.HOST, TestRedis.PORT)) {
      // By id: only this backend's subscription, not other suites' subscribers on the same server.
      String id = admin.clientList().lines().filter(line -> line.contains(" name=celeriac-result-waits "))
          .map(line -> line.substring(line.indexOf("id=") + 3, line.indexOf(' ', line.indexOf("id="))))
          .findFirst().orElseThrow();
      admin.sendCommand(Protocol.Command.CLIENT, "KILL", "ID", id);
    }
    release.countDown();
    assertEquals(List.of("a", "b"), value.get(30, TimeUnit.SECONDS));
  }

  private static long clients(String name) {
    return clientLines(name).size();
  }

  /** The CLIENT LIST lines of the connections named {@code name}. */
  private static List<String> clientLines(String name) {
    try (Jedis admin = new Jedis(TestRedis.HOST, TestRedis.PORT)) {
      return admin.clientList().lines().filter(line -> line.contains(" name=" + name + " ")).toList();
    }
  }

  private static void awaitClients(String name, long count) {
    Waits.await(count + " clients named " + name, WAIT, () -> clients(name) == count,
        () -> clients(name) + " clients named " + name);
  }

  @Test
  void tasksSentDuringTheRunAreItsChildren() {
    TaskRef<Object> ref = send(PARENT);
    assertEquals("sent", ref.get(WAIT));
    String child = sentByParent.get();
    String stored = redis.get("celery-task-meta-" + ref.id());
    assertTrue(stored.startsWith("{\"status\": \"SUCCESS\", \"result\": \"sent\", \"traceback\": null,"
        + " \"children\": [[[\"" + child + "\", null], null]], \"date_done\": "), stored);
    assertEquals(5L, app.result(child, ValueType.boxed(ValueType.Kind.LONG)).get(WAIT));
  }

  @Test
  void expiredMessagesAreStoredRevoked() {
    TaskRef<Object> ref = app.send(ADD.name(), null, null,
        new EnqueueOptions(null, null, null, Duration.ofSeconds(-1), null));
    TaskFailedException e = assertThrows(TaskFailedException.class, () -> ref.get(WAIT));
    assertEquals(TaskState.REVOKED, e.state());
    assertEquals("TaskRevokedError", e.remoteType());
    assertEquals("expired", e.remoteMessage());
  }

  @Test
  void unknownTasksAreStoredNotRegistered() {
    TaskRef<Object> ref = app.send("results.nobody", null, null, new EnqueueOptions("results", null, null, null, null));
    TaskFailedException e = assertThrows(TaskFailedException.class, () -> ref.get(WAIT));
    assertEquals("NotRegistered", e.remoteType());
    assertEquals("celery.exceptions", e.remoteModule());
  }

  @Test
  void timelimitHeaderEndsTheRun() {
    // The header a Python producer sends for apply_async(soft_time_limit=1): [1, null]; the task has no limit.
    String id = java.util.UUID.randomUUID().toString();
    app.broker().publish("results", MessageCodec.newMessage(new MessageCodec.NewMessage(SLOW.name(), id, List.of(),
        Map.of(), null, null, null, null, null, null, Duration.ofSeconds(1), null, false)));
    TaskRef<Object> ref = app.result(id);
    assertThrows(ResultTimeoutException.class, () -> ref.get(Duration.ofMillis(200)));
    TaskFailedException e = assertThrows(TaskFailedException.class, () -> ref.get(Duration.ofSeconds(4)));
    assertEquals("TimeLimitExceededException", e.remoteType());
  }

  /** The store of a SUCCESS fails (the backend is down): the message goes back and runs again, never acked unstored. */
  @Test
  void aResultThatCannotBeStoredSendsTheMessageBack() throws Exception {
    ResultBackend real = app.resultBackend().orElseThrow();
    AtomicInteger stores = new AtomicInteger();
    ResultBackend failingOnce = new ResultBackend() {
      @Override
      public void store(ResultMeta meta, String replyTo) {
        if (stores.incrementAndGet() == 1) {
          throw new dev.celeriac.broker.BrokerException("backend down", null);
        }
        real.store(meta, replyTo);
      }

      @Override
      public ResultMeta get(String taskId) {
        return real.get(taskId);
      }

      @Override
      public java.util.Optional<ResultMeta> await(String taskId, Duration timeout) throws InterruptedException {
        return real.await(taskId, timeout);
      }

      @Override
      public void forget(String taskId) {
        real.forget(taskId);
      }

      @Override
      public String displayUrl() {
        return real.displayUrl();
      }

      @Override
      public void close() {}
    };
    worker.stop(Duration.ofSeconds(5));
    Worker storing = new Worker(BrokerRoles.of(app.broker()), app.registry(),
        WorkerOptions.builder().queues(List.of("results")).concurrency(1).hostname("w2@test").build(), java.time.Clock.systemUTC(),
        dev.celeriac.internal.TaskInstances.constructed(), failingOnce).start();
    try {
      TaskRef<Object> ref = send(ADD);
      assertEquals(5L, ref.get(WAIT));
      assertEquals(2, stores.get(), "stored on the second run, after the first store failed");
    } finally {
      storing.stop(Duration.ofSeconds(5));
    }
  }

  /** A result with no JSON form is the run's final failure: stored as FAILURE and dead-lettered, never run again. */
  @Test
  void aResultWithNoJsonFormFailsTheTaskOnce() throws Exception {
    unstorableRuns.set(0);
    TaskRef<Object> ref = send(UNSTORABLE);
    TaskFailedException e = assertThrows(TaskFailedException.class, () -> ref.get(WAIT));
    assertEquals(TaskState.FAILURE, e.state());
    java.util.function.LongSupplier mine = () -> app.broker().deadLetters().list("results", 100).stream()
        .filter(letter -> letter.message().map(m -> ref.id().equals(m.id())).orElse(false)
            && letter.reason().contains("cannot be stored"))
        .count();
    Waits.await("the dead letter", WAIT, () -> mine.getAsLong() != 0);
    assertEquals(1, mine.getAsLong(), "dead-lettered once with the reason");
    Thread.sleep(300); // time for a redelivery that must not come: the sleep is the test
    assertEquals(1, unstorableRuns.get(), "run once, not sent back to run again");
  }
}
