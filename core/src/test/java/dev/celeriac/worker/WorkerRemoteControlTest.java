package dev.celeriac.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.celeriac.TaskContext;
import dev.celeriac.TaskDefinition;
import dev.celeriac.TaskRegistry;
import dev.celeriac.broker.BrokerUrl;
import dev.celeriac.broker.memory.MemoryBroker;
import dev.celeriac.control.ControlClient;
import dev.celeriac.control.ControlClient.Reply;
import dev.celeriac.control.ControlClient.Selection;
import dev.celeriac.fleet.FleetCaptures;
import dev.celeriac.protocol.Ids;
import dev.celeriac.protocol.Json;
import dev.celeriac.protocol.KombuEnvelope;
import dev.celeriac.protocol.MessageCodec;
import dev.celeriac.protocol.TaskMessage;
import dev.celeriac.testsupport.Waits;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A worker's remote control and revokes, broker-independent, on an in-JVM {@code memory://} broker: the commands
 * Celery's tools send, with Celery's replies, and revokes honoured on receipt, when a parked message comes due,
 * on a running task ({@code terminate}) and after a restart. The Python side of the same conversations is in the
 * integration tests.
 */
class WorkerRemoteControlTest {

  private static final String QUEUE = "fleet";
  private static final Duration TIMEOUT = Duration.ofMillis(300);

  private final MemoryBroker broker = MemoryBroker.forUrl(BrokerUrl.parse("memory://fleet-" + UUID.randomUUID()),
      Clock.systemUTC());
  private final ControlClient client = new ControlClient(broker.fleet().orElseThrow().mailbox());
  private final ConcurrentLinkedQueue<String> runs = new ConcurrentLinkedQueue<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<String> revoked = new CopyOnWriteArrayList<>();
  private final List<Worker> workers = new ArrayList<>();

  private final TaskDefinition record = TaskDefinition.builder("tests.fleet.record").queue(QUEUE)
      .origin("test#record").invoker(arguments -> runs.add(TaskContext.current().orElseThrow().id())).build();
  /** Holds its slot until the test releases it, or for 30 s; ends early when interrupted. */
  private final TaskDefinition hold = TaskDefinition.builder("tests.fleet.hold").queue(QUEUE)
      .origin("test#hold").invoker(arguments -> {
        runs.add(TaskContext.current().orElseThrow().id());
        release.await(30, TimeUnit.SECONDS);
      }).build();
  private final TaskRegistry registry = TaskRegistry.of(List.of(record, hold));

  private final WorkerListener listener = new WorkerListener() {
    @Override
    public void taskRevoked(TaskContext task, RevokeReason reason) {
      revoked.add(task.id() + " " + reason.celeryName());
    }
  };

  @AfterEach
  void stopWorkers() {
    release.countDown();
    workers.forEach(worker -> worker.stop(Duration.ofSeconds(5)));
  }

  private Worker start(String name, WorkerOptions.Builder options) {
    Worker worker = new Worker(BrokerRoles.of(broker), registry,
        options.queues(List.of(QUEUE)).hostname(name).listener(listener).build(), Clock.systemUTC());
    workers.add(worker);
    return worker.start();
  }

  private Worker start(String name) {
    return start(name, WorkerOptions.builder().concurrency(1));
  }

  private List<Reply> call(String method, Map<String, Object> arguments) throws InterruptedException {
    return client.call(method, arguments, Selection.ALL, TIMEOUT, reply -> {});
  }

  private List<Reply> call(String method) throws InterruptedException {
    return call(method, Map.of());
  }

  /**
   * Puts a message on the queue as a Python producer does: unlike Celeriac's producers, which park an early
   * message on the broker, it reaches the worker at once, and the worker parks it.
   */
  private String publish(TaskDefinition task, Duration countdown) {
    String id = Ids.uuid();
    Instant now = Instant.now();
    TaskMessage message = MessageCodec.newMessage(new MessageCodec.NewMessage(task.name(), id, List.of(), Map.of(),
        countdown == null ? null : now.plus(countdown), null, null, null, null, 0, null, now));
    broker.publishRaw(QUEUE, KombuEnvelope.encode(message, QUEUE, Ids.uuid()));
    return id;
  }

  /** A condition that may ask the workers. */
  @FunctionalInterface
  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void await(String what, Condition condition) {
    Waits.await(what, Duration.ofSeconds(10), condition::holds);
  }

  @Test
  void answersInspectionsWithCeleryReplies() throws Exception {
    Worker worker = start("w1@%h");
    String node = worker.hostname();
    assertTrue(node.startsWith("w1@") && !node.contains("%"), node);

    assertEquals(List.of(new Reply(node, Map.of("ok", "pong"))), call("ping", Map.of()));
    assertEquals(List.of(new Reply(node, Map.of("error", "KeyError('nosuchcommand')"))), call("nosuchcommand", Map.of()));
    assertEquals(List.of(new Reply(node, List.of("tests.fleet.hold", "tests.fleet.record"))),
        call("registered", Map.of("taskinfoitems", List.of())));
    assertEquals(List.of(new Reply(node, List.of("tests.fleet.hold [acks_late=True queue=fleet]",
        "tests.fleet.record [acks_late=True queue=fleet]"))),
        call("registered", Map.of("taskinfoitems", List.of("acks_late", "queue", "rate_limit"))));

    String running = publish(hold, null);
    await("the task to run", () -> runs.contains(running));
    Map<?, ?> stats = (Map<?, ?>) call("stats", Map.of()).get(0).value();
    assertEquals(List.of("total", "pid", "clock", "uptime", "pool", "broker", "prefetch_count", "rusage"),
        List.copyOf(stats.keySet()));
    assertEquals(Map.of("tests.fleet.hold", 1), stats.get("total"));
    assertTrue(stats.get("clock") instanceof String, "Celery's stats clock is a string: " + stats);
    assertEquals(1, ((Map<?, ?>) stats.get("pool")).get("max-concurrency"));
    List<?> active = (List<?>) call("active", Map.of()).get(0).value();
    Map<?, ?> task = (Map<?, ?>) active.get(0);
    assertEquals(List.of("id", "name", "args", "kwargs", "type", "hostname", "time_start", "acknowledged",
        "delivery_info", "worker_pid"), List.copyOf(task.keySet()));
    assertEquals(running, task.get("id"));
    assertEquals(node, task.get("hostname"));
    assertTrue(task.get("time_start") instanceof Double, "a float: " + task);
    assertEquals(Map.of("exchange", "", "routing_key", QUEUE, "priority", 0), withoutNulls(task.get("delivery_info")));
    List<?> queues = (List<?>) call("active_queues", Map.of()).get(0).value();
    assertEquals(QUEUE, ((Map<?, ?>) queues.get(0)).get("name"));
    assertTrue(((Map<?, ?>) call("clock").get(0).value()).get("clock") instanceof Number);
  }

  @Test
  void repliesHaveTheShapeOfCelerysReplies() throws Exception {
    Worker worker = start("w1@fleet", WorkerOptions.builder().concurrency(2));
    String running = publish(hold, null);
    await("the task to run", () -> runs.contains(running));
    publish(record, Duration.ofSeconds(30));
    await("the countdown to be parked", () -> !worker.state().scheduled(Instant.now()).isEmpty());
    JsonNode celery = FleetCaptures.capture("redis/control-replies.json").path("replies");

    JsonNode stats = reply("stats");
    JsonNode expectedStats = celery.path("stats").get(0).get(0).path("w1@fleet");
    assertEquals(FleetCaptures.names(expectedStats), FleetCaptures.names(stats));
    List<String> pool = new ArrayList<>(FleetCaptures.names(expectedStats.path("pool")));
    pool.remove("writes"); // prefork's pipe statistics: nothing of the kind in a JVM
    assertEquals(pool, FleetCaptures.names(stats.path("pool")));
    assertEquals(FleetCaptures.names(expectedStats.path("broker")), FleetCaptures.names(stats.path("broker")));
    assertEquals(FleetCaptures.names(expectedStats.path("rusage")), FleetCaptures.names(stats.path("rusage")));
    JsonNode expectedActive = celery.path("active").get(0).get(0).path("w1@fleet").get(0);
    assertEquals(FleetCaptures.names(expectedActive), FleetCaptures.names(reply("active").get(0)));
    assertEquals(FleetCaptures.names(expectedActive.path("delivery_info")),
        FleetCaptures.names(reply("active").get(0).path("delivery_info")));
    JsonNode expectedScheduled = celery.path("scheduled").get(0).get(0).path("w1@fleet").get(0);
    assertEquals(FleetCaptures.names(expectedScheduled), FleetCaptures.names(reply("scheduled").get(0)));
    assertEquals(FleetCaptures.names(expectedScheduled.path("request")),
        FleetCaptures.names(reply("scheduled").get(0).path("request")));
    JsonNode expectedQueue = celery.path("active_queues").get(0).get(0).path("w1@fleet").get(0);
    JsonNode queue = reply("active_queues").get(0);
    assertEquals(FleetCaptures.names(expectedQueue), FleetCaptures.names(queue));
    assertEquals(FleetCaptures.names(expectedQueue.path("exchange")), FleetCaptures.names(queue.path("exchange")));
    assertEquals(expectedQueue.path("exchange").path("type"), queue.path("exchange").path("type"));
    assertEquals(FleetCaptures.names(celery.path("clock").get(0).get(0).path("w1@fleet")),
        FleetCaptures.names(reply("clock")));
    assertEquals(celery.path("heartbeat").get(0).get(0).path("w1@fleet"), reply("heartbeat"));
    assertEquals(celery.path("nosuchcommand").get(0).get(0).path("w1@fleet"), reply("nosuchcommand"));
    assertTrue(reply("report").path("ok").asText().contains("software -> celeriac:"), reply("report").toString());
  }

  /** The one worker's reply to {@code method}, as JSON. */
  private JsonNode reply(String method) throws Exception {
    return FleetCaptures.JSON.valueToTree(call(method).get(0).value());
  }

  private static Map<?, ?> withoutNulls(Object map) {
    Map<Object, Object> copy = new LinkedHashMap<>((Map<?, ?>) map);
    copy.values().removeIf(java.util.Objects::isNull);
    return copy;
  }

  @Test
  void destinationAndPatternSelectNodesAsKombuDoes() throws Exception {
    start("alpha@fleet");
    start("beta@fleet");

    assertEquals(List.of("beta@fleet"), nodes(client.call("ping", Map.of(), Selection.of(List.of("beta@fleet")),
        TIMEOUT, reply -> {})));
    assertEquals(List.of("alpha@fleet"), nodes(client.call("ping", Map.of(), new Selection(null, "al*", "glob"),
        TIMEOUT, reply -> {})));
    assertEquals(List.of("beta@fleet"), nodes(client.call("ping", Map.of(), new Selection(null, "b", "pcre"),
        TIMEOUT, reply -> {})));
    assertEquals(List.of("alpha@fleet", "beta@fleet"), nodes(call("ping", Map.of())).stream().sorted().toList());
  }

  private static List<String> nodes(List<Reply> replies) {
    return replies.stream().map(Reply::node).toList();
  }

  @Test
  void aRevokedTaskWaitingForASlotIsDiscarded() throws Exception {
    Worker worker = start("w1@fleet");
    String busy = publish(hold, null);
    await("the slot to be busy", () -> runs.contains(busy));
    String queued = publish(record, null);
    await("the message to be reserved", () -> !((List<?>) call("reserved").get(0).value()).isEmpty());

    List<Reply> replies = call("revoke", Map.of("task_id", List.of(queued), "terminate", false));
    assertEquals(Map.of("ok", "tasks " + queued + " flagged as revoked"), replies.get(0).value());
    release.countDown();
    await("the message to be discarded", () -> revoked.size() == 1);

    assertEquals(List.of(queued + " revoked"), List.copyOf(revoked));
    assertEquals(List.of(busy), List.copyOf(runs));
    assertEquals(1, worker.count(Outcome.REVOKED));
    assertEquals(List.of(queued), call("revoked").get(0).value());
  }

  @Test
  void aParkedCountdownRevokedLaterIsDiscardedWhenDue() throws Exception {
    Worker worker = start("w1@fleet");
    String countdown = publish(record, Duration.ofMillis(1500));
    await("the countdown to be parked", () -> broker.delayedCount(QUEUE) == 1);
    List<?> scheduled = (List<?>) call("scheduled").get(0).value();
    Map<?, ?> entry = (Map<?, ?>) scheduled.get(0);
    assertEquals(List.of("eta", "priority", "request"), List.copyOf(entry.keySet()));
    assertEquals(countdown, ((Map<?, ?>) entry.get("request")).get("id"));

    call("revoke", Map.of("task_id", countdown));
    await("the countdown to come back and be discarded", () -> revoked.size() == 1);

    assertEquals(List.of(countdown + " revoked"), List.copyOf(revoked));
    assertTrue(runs.isEmpty(), "never ran: " + runs);
    assertEquals(1, worker.count(Outcome.REVOKED));
  }

  @Test
  void terminateInterruptsTheRunningTaskAndRevokesIt() throws Exception {
    Worker worker = start("w1@fleet");
    String running = publish(hold, null);
    await("the task to run", () -> runs.contains(running));

    assertEquals(Map.of("ok", "terminate: tasks unknown"),
        call("revoke", Map.of("task_id", "not-running", "terminate", true)).get(0).value());
    assertEquals(Map.of("ok", "terminate: " + running),
        call("revoke", Map.of("task_id", running, "terminate", true, "signal", "SIGTERM")).get(0).value());
    await("the run to end as revoked", () -> worker.count(Outcome.REVOKED) == 1);

    assertEquals(List.of(running + " terminated"), List.copyOf(revoked));
    assertEquals(0, worker.count(Outcome.SUCCEEDED));
    assertEquals(List.of(), call("active", Map.of()).get(0).value());
  }

  @Test
  void revokesOutliveTheWorkerInTheBrokersStore() throws Exception {
    Worker first = start("w1@fleet");
    String id = Ids.uuid();
    call("revoke", Map.of("task_id", id));
    first.stop(Duration.ofSeconds(5));

    Worker second = start("w2@fleet");
    assertEquals(List.of(id), call("revoked", Map.of()).get(0).value());
    broker.publish(QUEUE, MessageCodec.newMessage(new MessageCodec.NewMessage(record.name(), id, List.of(), Map.of(),
        null, null, null, null, null, 0, null)));
    await("the task to be discarded", () -> second.count(Outcome.REVOKED) == 1);
    assertFalse(runs.contains(id));
  }

  @Test
  void helloAnswersPeersWithFloatTimestampsAndNotItself() throws Exception {
    start("w1@fleet");
    String fromPeer = Ids.uuid();
    Map<String, Object> peerRevoked = Map.of(fromPeer, List.of(BigDecimal.valueOf(System.nanoTime() / 1e9), fromPeer));

    assertNull(call("hello", Map.of("from_node", "w1@fleet", "revoked", Map.of())).get(0).value());
    Map<?, ?> reply = (Map<?, ?>) call("hello", Map.of("from_node", "w2@fleet", "revoked", peerRevoked)).get(0).value();
    List<?> entry = (List<?>) ((Map<?, ?>) reply.get("revoked")).get(fromPeer);
    assertTrue(entry.get(0) instanceof Double, "a JSON float, which Python's LimitedSet insists on: " + entry);
    assertEquals(fromPeer, entry.get(1));
    assertTrue(reply.get("clock") instanceof Number);
    assertEquals(List.of(fromPeer), call("revoked", Map.of()).get(0).value());
  }

  @Test
  @SuppressWarnings("try") // the event subscription is a resource only to be open while the body runs
  void eventsAreSentAsCeleryDoes() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    List<Object> bodies = new CopyOnWriteArrayList<>();
    try (AutoCloseable subscription = broker.subscribeEvents((routingKey, body) -> {
      seen.add(routingKey);
      bodies.add(Json.read(body));
    })) {
      Worker worker = start("w1@fleet");
      await("worker-online", () -> seen.contains("worker.online"));
      String before = publish(record, null);
      // Settled, not only run: its task-succeeded would be sent after the body returned, and must not be.
      await("a run without task events", () -> worker.count(Outcome.SUCCEEDED) == 1);

      assertEquals(Map.of("ok", "task events enabled"), call("enable_events", Map.of()).get(0).value());
      assertEquals(Map.of("ok", "task events already enabled"), call("enable_events", Map.of()).get(0).value());
      String id = publish(record, null);
      await("three task events", () -> taskEvents(bodies, id).size() == 3);
      assertEquals(List.of("task-received", "task-started", "task-succeeded"),
          taskEvents(bodies, id).stream().map(event -> event.get("type")).toList());
      Map<?, ?> received = taskEvents(bodies, id).get(0);
      assertEquals(List.of("hostname", "utcoffset", "pid", "clock", "uuid", "name", "args", "kwargs", "root_id",
          "parent_id", "retries", "eta", "expires", "timestamp", "type"), List.copyOf(received.keySet()));
      assertEquals("w1@fleet", received.get("hostname"));
      assertTrue(taskEvents(bodies, before).isEmpty(), "no task events before enable_events");

      assertNull(call("heartbeat", Map.of()).get(0).value());
      await("the heartbeat asked for", () -> bodies.stream().anyMatch(body -> body instanceof Map<?, ?> event
          && "worker-heartbeat".equals(event.get("type")) && event.get("freq").equals(5)));
      assertEquals(Map.of("ok", "task events disabled"), call("disable_events", Map.of()).get(0).value());
      worker.stop(Duration.ofSeconds(5));
      assertEquals("worker.offline", seen.get(seen.size() - 1));
    }
    Map<?, ?> online = (Map<?, ?>) bodies.get(seen.indexOf("worker.online"));
    assertEquals(List.of("hostname", "utcoffset", "pid", "clock", "freq", "active", "processed", "loadavg",
        "sw_ident", "sw_ver", "sw_sys", "timestamp", "type"), List.copyOf(online.keySet()));
    assertEquals("celeriac", online.get("sw_ident"));
    assertEquals(2.0, online.get("freq"));
  }

  /** The task events of {@code id}, in order, from the {@code task.multi} batches. */
  private static List<Map<?, ?>> taskEvents(List<Object> bodies, String id) {
    List<Map<?, ?>> events = new ArrayList<>();
    for (Object body : bodies) {
      if (body instanceof List<?> batch) {
        for (Object event : batch) {
          if (event instanceof Map<?, ?> map && id.equals(map.get("uuid"))) {
            events.add(map);
          }
        }
      }
    }
    return events;
  }

  @Test
  void poolAndQueuesChangeWhileTheWorkerRuns() throws Exception {
    Worker worker = start("w1@fleet");
    assertEquals(Map.of("ok", "pool will grow"), call("pool_grow", Map.of("n", 2)).get(0).value());
    assertEquals(3, worker.concurrency());
    assertEquals(Map.of("ok", "pool will shrink"), call("pool_shrink", Map.of()).get(0).value());
    assertEquals(2, worker.concurrency());
    String first = publish(hold, null);
    String second = publish(hold, null);
    await("two tasks at once", () -> runs.contains(first) && runs.contains(second));
    release.countDown();

    assertEquals(Map.of("ok", "add consumer other"), call("add_consumer", Map.of("queue", "other")).get(0).value());
    await("the new queue to be consumed", () -> worker.queues().contains("other"));
    String id = Ids.uuid();
    broker.publish("other", MessageCodec.newMessage(new MessageCodec.NewMessage(record.name(), id, List.of(),
        Map.of(), null, null, null, null, null, 0, null)));
    await("the task of the added queue", () -> runs.contains(id));
    assertEquals(Map.of("ok", "no longer consuming from " + QUEUE),
        call("cancel_consumer", Map.of("queue", QUEUE)).get(0).value());
    await("the queue to be dropped", () -> worker.queues().equals(List.of("other")));
    String ignored = publish(record, null);
    Thread.sleep(300); // time in which a consumer would have run it: the sleep is the test
    assertFalse(runs.contains(ignored), "a cancelled queue is not consumed");
  }

  @Test
  void shutdownStopsTheWorkerWithoutAReply() throws Exception {
    Worker worker = start("w1@fleet");
    assertEquals(List.of(), call("shutdown", Map.of()));
    assertTrue(awaitStop(worker), "the worker stopped");
  }

  private static boolean awaitStop(Worker worker) throws InterruptedException {
    Thread waiter = new Thread(() -> {
      try {
        worker.awaitStop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    waiter.start();
    waiter.join(10_000);
    return !waiter.isAlive();
  }

  @Test
  void remoteControlCanBeTurnedOff() throws Exception {
    start("w1@fleet", WorkerOptions.builder().remoteControl(false));
    assertEquals(List.of(), call("ping", Map.of()));
  }
}
