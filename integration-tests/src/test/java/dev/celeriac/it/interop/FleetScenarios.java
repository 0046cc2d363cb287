package dev.celeriac.it.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.TaskRef;
import dev.celeriac.cli.Main;
import dev.celeriac.it.interop.PythonCelery.PythonResult;
import dev.celeriac.testsupport.Processes;
import dev.celeriac.testsupport.Waits;
import dev.celeriac.worker.Outcome;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A Celeriac worker as a member of a Celery fleet, checked with Debian's Celery 5.2.6 on the same broker:
 * {@code celery inspect} and {@code celery control} list and steer it, an {@code app.events.Receiver} sees its
 * heartbeats and task events, Python's revokes stop its tasks (queued, parked for a countdown, running, and after
 * it restarted), mingle carries revokes between Python and Java workers both ways, and Celeriac's own
 * {@code inspect} and {@code control} list and steer Python workers. Run on Redis and on RabbitMQ by the
 * subclasses; fails, never skips, without the broker or Python Celery.
 */
@Tag("python")
public abstract class FleetScenarios {

  private static final String JAVA_QUEUE = "interop-java";
  private static final String PY_QUEUE = "interop-py";
  private static final AtomicInteger NODES = new AtomicInteger();

  private final List<Worker> workers = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final WorkerEvents events = new WorkerEvents();
  private PythonCelery python;
  private Celeriac app;

  /** The broker URL both sides are given, as Celery writes it. */
  protected abstract String brokerUrl();

  /** Empties the broker: nothing of an earlier test left. */
  protected abstract void resetBroker();

  /** Further environment for the Python processes. */
  protected Map<String, String> pythonEnvironment() {
    return Map.of();
  }

  @BeforeEach
  void startClean() {
    resetBroker();
    InteropTasks.reset();
    python = new PythonCelery(brokerUrl(), pythonEnvironment());
    app = Celeriac.create(CeleriacConfig.builder().brokerUrl(brokerUrl()).build());
  }

  @AfterEach
  void stopEverything() {
    workers.forEach(worker -> worker.stop(Duration.ofSeconds(10)));
    processes.forEach(Processes::stop);
    app.close();
  }

  private static String node(String prefix) {
    return prefix + "-" + ProcessHandle.current().pid() + "-" + NODES.incrementAndGet() + "@%h";
  }

  private Worker startJava(String node, WorkerOptions.Builder options) {
    Worker worker = app.worker(options.queues(List.of(JAVA_QUEUE)).hostname(node).listener(events).build());
    workers.add(worker);
    return worker.start();
  }

  private Process startPython(String node, String label) {
    Path log = PythonCelery.logDir().resolve(label + "-" + System.currentTimeMillis() + ".log");
    Process process = python.startFleetWorker(PY_QUEUE, node, log);
    processes.add(process);
    Waits.await(node + " to answer ping", Duration.ofSeconds(30), () -> {
      if (!process.isAlive()) {
        throw new AssertionError(node + " exited:\n" + PythonCelery.tail(log, 30));
      }
      return celeryJson("inspect", "ping", "-d", node).has(node);
    }, () -> PythonCelery.tail(log, 20));
    return process;
  }

  /** {@code celery -b <url> args... -j}: the replies by node, or an empty object when none came. */
  private JsonNode celeryJson(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-j", "--timeout", "2"));
    PythonResult result = python.celery(all.toArray(String[]::new));
    for (String line : result.stdout().split("\n", -1)) {
      if (line.startsWith("{")) {
        return PythonCelery.tree(line);
      }
      if (line.startsWith("[")) {
        // celery control prints the broadcast's replies as they came, a list of {node: reply}.
        com.fasterxml.jackson.databind.node.ObjectNode byNode = PythonCelery.JSON.createObjectNode();
        PythonCelery.tree(line).forEach(reply -> byNode.setAll((com.fasterxml.jackson.databind.node.ObjectNode) reply));
        return byNode;
      }
    }
    return PythonCelery.tree("{}");
  }

  /** The {@code ok} text of {@code node}'s reply to a {@code celery} command sent to it alone. */
  private String ok(String node, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-d", node));
    return celeryJson(all.toArray(String[]::new)).path(node).path("ok").asText();
  }

  /** Celeriac's own command line, in this JVM; returns what it printed. */
  private String celeriac(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--broker", brokerUrl()));
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
    assertEquals(0, exit, "celeriac " + all + " failed:\n" + out + err);
    return out.toString();
  }

  private void python(String command, String... args) {
    python.command(command, args);
  }

  private boolean ran(String id) {
    return InteropTasks.runs().stream().anyMatch(run -> run.id().equals(id));
  }

  @Test
  void celerysToolsInspectAndSteerAJavaWorker() {
    Worker worker = startJava(node("java"), WorkerOptions.builder().concurrency(2));
    String node = worker.hostname();
    TaskRef<?> running = RecordTask.with().on(app).enqueue(1, "long", 1, Map.of("sleep_ms", 60_000));
    Waits.await("the task to run", Duration.ofSeconds(15), () -> ran(running.id()), events::toString);

    assertEquals("pong", celeryJson("inspect", "ping").path(node).path("ok").asText(), "celery inspect ping");
    JsonNode registered = celeryJson("inspect", "registered", "-d", node).path(node);
    assertTrue(registered.toString().contains("\"interop.record\"") && registered.toString().contains("interop.fail"),
        "celery inspect registered: " + registered);
    JsonNode active = celeryJson("inspect", "active", "-d", node).path(node);
    assertEquals(1, active.size(), "celery inspect active: " + active);
    assertEquals(running.id(), active.get(0).path("id").asText());
    assertEquals("interop.record", active.get(0).path("name").asText());
    assertEquals(60_000, active.get(0).path("kwargs").path("sleep_ms").asInt(), active.toString());
    JsonNode stats = celeryJson("inspect", "stats", "-d", node).path(node);
    assertEquals(2, stats.path("pool").path("max-concurrency").asInt(), "celery inspect stats: " + stats);
    assertEquals(1, stats.path("total").path("interop.record").asInt(), stats.toString());
    assertTrue(stats.path("prefetch_count").asInt() >= 2, stats.toString());
    assertTrue(stats.path("clock").isTextual(), stats.toString());

    String revokedId = java.util.UUID.randomUUID().toString();
    python("revoke", revokedId);
    Waits.await("the revoke to arrive", Duration.ofSeconds(10),
        () -> celeryJson("inspect", "revoked", "-d", node).path(node).toString().contains(revokedId), () -> "");

    assertEquals("task events enabled", ok(node, "control", "enable_events"));
    assertEquals("task events already enabled", ok(node, "control", "enable_events"));
    assertEquals("pool will grow", ok(node, "control", "pool_grow", "1"));
    assertEquals(3, celeryJson("inspect", "stats", "-d", node).path(node).path("pool").path("max-concurrency").asInt());
    assertEquals("add consumer interop-extra", ok(node, "control", "add_consumer", "interop-extra"));
    Waits.await("the added queue to show", Duration.ofSeconds(10), () -> celeryJson("inspect", "active_queues", "-d",
        node).path(node).toString().contains("\"interop-extra\""), () -> "");
    JsonNode unknown = PythonCelery.jsonOf(python.command("broadcast", "nosuchcommand").get(0).get("replies"));
    assertTrue(unknown.toString().contains("{\"" + node + "\":{\"error\":\"KeyError('nosuchcommand')\"}}"),
        "an unknown command gets Celery's error reply: " + unknown);

    python("revoke", running.id(), "true");
    Waits.await("the long task to be terminated", Duration.ofSeconds(10),
        () -> events.revoked.contains(running.id() + " terminated"), events::toString);
    python.celery("control", "shutdown", "-d", node);
    Waits.await("celery control shutdown to stop the worker", Duration.ofSeconds(20),
        () -> !celeryJson("inspect", "ping").has(node), events::toString);
    assertEquals(1, worker.count(Outcome.REVOKED));
  }

  @Test
  void aPythonEventReceiverSeesTheJavaWorkersHeartbeatsAndTaskEvents() throws Exception {
    Worker worker = startJava(node("java"), WorkerOptions.builder().concurrency(2).taskEvents(true));
    String node = worker.hostname();
    Path out = PythonCelery.logDir().resolve("events-" + System.currentTimeMillis() + ".jsonl");
    Process receiver = python.startCommand(out, "capture-events", "6");
    processes.add(receiver);
    Waits.await("the receiver to listen", Duration.ofSeconds(20), () -> PythonCelery.read(out).contains("\"ready\""),
        () -> PythonCelery.read(out));
    TaskRef<?> ok = RecordTask.with().on(app).enqueue(2, "ok", 1);
    TaskRef<?> failed = FailTask.with().on(app).enqueue(3);
    Waits.await("the receiver to finish", Duration.ofSeconds(30), () -> !receiver.isAlive(),
        () -> PythonCelery.tail(out, 10));
    assertEquals(0, receiver.exitValue(), PythonCelery.tail(out, 20));

    List<JsonNode> seen = new ArrayList<>();
    for (String line : PythonCelery.read(out).split("\n", -1)) {
      if (line.startsWith("{") && line.contains("\"type\"")) {
        seen.add(PythonCelery.tree(line));
      }
    }
    JsonNode heartbeat = seen.stream().filter(event -> event.path("type").asText().equals("worker-heartbeat")
        && event.path("hostname").asText().equals(node)).findFirst().orElse(null);
    assertNotNull(heartbeat, "a worker-heartbeat of " + node + " in " + seen);
    assertEquals("celeriac", heartbeat.path("sw_ident").asText());
    assertEquals(List.of("task-received", "task-started", "task-succeeded"), types(seen, ok.id()));
    assertEquals(List.of("task-received", "task-started", "task-failed"), types(seen, failed.id()));
    JsonNode failure = seen.stream().filter(event -> event.path("uuid").asText().equals(failed.id())
        && event.path("type").asText().equals("task-failed")).findFirst().orElseThrow();
    assertTrue(failure.path("exception").asText().startsWith("IllegalStateException('interop failure 3')"),
        failure.toString());
    assertTrue(failure.path("traceback").asText().contains("at dev.celeriac.it.interop.InteropTasks.fail"),
        failure.toString());
    JsonNode received = seen.stream().filter(event -> event.path("uuid").asText().equals(ok.id())).findFirst()
        .orElseThrow();
    assertEquals("interop.record", received.path("name").asText());
    assertEquals(node, received.path("hostname").asText());
  }

  private static List<String> types(List<JsonNode> events, String id) {
    return events.stream().filter(event -> event.path("uuid").asText().equals(id))
        .map(event -> event.path("type").asText()).toList();
  }

  @Test
  void revokesFromPythonStopQueuedParkedAndRunningJavaTasks() {
    Worker worker = startJava(node("java"), WorkerOptions.builder().concurrency(1));
    String busy = java.util.UUID.randomUUID().toString();
    String queued = java.util.UUID.randomUUID().toString();
    String countdown = java.util.UUID.randomUUID().toString();
    python("send-java", countdown, "5");
    Waits.await("the countdown to be parked", Duration.ofSeconds(15), () -> events.deferred.contains(countdown),
        events::toString);
    python("send-java", busy, "0", "4000");
    python("send-java", queued);
    Waits.await("the first task to run", Duration.ofSeconds(15), () -> ran(busy), events::toString);

    python("revoke", queued);
    python("revoke", countdown);
    Waits.await("both revoked tasks to be discarded", Duration.ofSeconds(20),
        () -> events.revoked.containsAll(List.of(queued + " revoked", countdown + " revoked")), events::toString);
    assertFalse(ran(queued), "the queued task never ran");
    assertFalse(ran(countdown), "the countdown never ran");
    assertTrue(events.succeeded.contains(busy));

    String running = java.util.UUID.randomUUID().toString();
    python("send-java", running, "0", "60000");
    Waits.await("the long task to run", Duration.ofSeconds(15), () -> ran(running), events::toString);
    python("revoke", running, "true");
    Waits.await("the long task to be terminated", Duration.ofSeconds(10),
        () -> events.revoked.contains(running + " terminated"), events::toString);
    assertEquals(3, worker.count(Outcome.REVOKED));
  }

  @Test
  void revokesSurviveTheJavaWorkerRestartingAndTheWholeFleetStopping() {
    Worker first = startJava(node("java"), WorkerOptions.builder().concurrency(1));
    String revokedWhileRunning = java.util.UUID.randomUUID().toString();
    python("revoke", revokedWhileRunning);
    Waits.await("the worker to take the revoke", Duration.ofSeconds(10),
        () -> first.state().revoked().contains(revokedWhileRunning), () -> "");
    first.stop(Duration.ofSeconds(10));

    // No worker runs now: only the broker can remember.
    String revokedWhileStopped = java.util.UUID.randomUUID().toString();
    String output = celeriac("control", "revoke", revokedWhileStopped);
    assertTrue(output.contains("stored on the broker"), output);
    python("send-java", revokedWhileRunning);
    python("send-java", revokedWhileStopped);

    Worker second = startJava(node("java"), WorkerOptions.builder().concurrency(1));
    Waits.await("both to be discarded by the restarted worker", Duration.ofSeconds(15),
        () -> second.count(Outcome.REVOKED) == 2, events::toString);
    assertFalse(ran(revokedWhileRunning) || ran(revokedWhileStopped), "neither ran");
    String revoked = celeriac("inspect", "revoked", "-d", second.hostname());
    assertTrue(revoked.contains(revokedWhileStopped) && revoked.contains(revokedWhileRunning), revoked);
  }

  @Test
  void mingleCarriesRevokesBetweenPythonAndJavaWorkersBothWays() {
    String pythonNode = node("py").replace("%h", "fleet");
    startPython(pythonNode, "mingle-py1");
    String fromPython = java.util.UUID.randomUUID().toString();
    python("revoke", fromPython);
    Waits.await("the Python worker to take the revoke", Duration.ofSeconds(10),
        () -> celeryJson("inspect", "revoked", "-d", pythonNode).toString().contains(fromPython), () -> "");

    // Python -> Java: the Java worker was not there for the broadcast; it asks its peers when it starts.
    Worker worker = startJava(node("java"), WorkerOptions.builder().concurrency(1));
    assertTrue(worker.state().revoked().contains(fromPython), "mingle brought the Python worker's revokes");
    python("send-java", fromPython);
    Waits.await("the task to be discarded", Duration.ofSeconds(15),
        () -> events.revoked.contains(fromPython + " revoked"), events::toString);

    // Java -> Python: a revoke only the Java worker has, asked of it by a Python worker that starts.
    String fromJava = java.util.UUID.randomUUID().toString();
    celeriac("control", "revoke", fromJava, "-d", worker.hostname());
    assertFalse(celeryJson("inspect", "revoked", "-d", pythonNode).toString().contains(fromJava));
    String secondPython = node("py").replace("%h", "fleet");
    startPython(secondPython, "mingle-py2");
    assertTrue(celeryJson("inspect", "revoked", "-d", secondPython).toString().contains(fromJava),
        "the Python worker took the Java worker's revokes at start");
  }

  @Test
  void celeriacsOwnToolsListAndSteerPythonAndJavaWorkers() {
    String pythonNode = node("py").replace("%h", "fleet");
    startPython(pythonNode, "celeriac-tools-py");
    Worker worker = startJava(node("java"), WorkerOptions.builder().concurrency(1));

    String ping = celeriac("inspect", "ping", "-t", "2");
    assertTrue(ping.contains("->  " + pythonNode + ": OK\n        pong"), ping);
    assertTrue(ping.contains("->  " + worker.hostname() + ": OK\n        pong"), ping);
    assertTrue(ping.contains("2 nodes online."), ping);
    String registered = celeriac("inspect", "registered", "-d", pythonNode);
    assertTrue(registered.contains("* interop.py_record"), registered);
    String stats = celeriac("inspect", "stats", "-j", "-t", "2");
    JsonNode byNode = PythonCelery.tree(stats.trim());
    assertTrue(byNode.path(pythonNode).path("pool").has("max-concurrency"), stats);
    assertEquals(1, byNode.path(worker.hostname()).path("pool").path("max-concurrency").asInt(), stats);
    String enable = celeriac("control", "enable_events", "-d", pythonNode);
    assertTrue(enable.contains("task events enabled"), enable);
  }
}
