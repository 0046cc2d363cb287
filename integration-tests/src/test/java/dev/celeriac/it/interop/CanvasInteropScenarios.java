package dev.celeriac.it.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Canvas;
import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.GroupRef;
import dev.celeriac.Signature;
import dev.celeriac.TaskRef;
import dev.celeriac.it.interop.CanvasTasks.Run;
import dev.celeriac.testsupport.Processes;
import dev.celeriac.testsupport.Waits;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Canvases across the language boundary, against Debian's Celery 5.2.6 with a Redis result backend: chains,
 * links, link errors, groups and chords that mix Java and Python tasks, built by Python and run by both, and
 * built in Java and run by both. A subclass gives the broker. Python's runs are read from its records in the
 * result backend's database, Java's from {@link CanvasTasks}; results from Python's {@code AsyncResult.get()}.
 */
@Tag("redis")
@Tag("python")
public abstract class CanvasInteropScenarios {

  static final int REDIS_PORT = Integer.parseInt(System.getenv().getOrDefault("CELERIAC_TEST_REDIS_PORT", "6379"));
  /** The result backend's database, shared by Python and Java. */
  static final int RESULT_DB = 10;
  static final String RESULT_BACKEND = "redis://127.0.0.1:" + REDIS_PORT + "/" + RESULT_DB;
  static final Duration WAIT = Duration.ofSeconds(40);

  private static Process pythonWorker;
  private static Celeriac app;
  private static Worker javaWorker;
  private static PythonCelery python;

  /** Starts the Python and Java workers on {@code brokerUrl}; called by the subclass once it reset its broker. */
  protected static void startWorkers(String brokerUrl, String label) {
    python = new PythonCelery(brokerUrl, Map.of("CANVAS_RESULT_BACKEND", RESULT_BACKEND));
    python.require("redis");
    flushResults();
    Path log = PythonCelery.logDir().resolve("canvas-" + label + "-python-worker.log");
    pythonWorker = python.startWorker("canvas_app", CanvasTasks.PY_QUEUE, 2, log);
    app = Celeriac.create(CeleriacConfig.builder().brokerUrl(brokerUrl).registry(CanvasTasks.REGISTRY)
        .resultBackend(RESULT_BACKEND).build());
    javaWorker = app.worker(WorkerOptions.builder().queues(List.of(CanvasTasks.QUEUE)).concurrency(4).build())
        .start();
    Waits.await("the Python worker to be ready", Duration.ofSeconds(60),
        () -> PythonCelery.read(log).contains("ready."), () -> PythonCelery.tail(log, 20));
  }

  @AfterAll
  public static void stopWorkers() {
    if (javaWorker != null) {
      javaWorker.stop();
    }
    if (app != null) {
      app.close();
    }
    Processes.stop(pythonWorker);
  }

  @BeforeEach
  public void cleanSlate() {
    CanvasTasks.reset();
    try (Jedis redis = results()) {
      redis.del("canvas:py:runs");
    }
  }

  static Jedis results() {
    Jedis jedis = new Jedis("127.0.0.1", REDIS_PORT, 5000);
    jedis.select(RESULT_DB);
    return jedis;
  }

  private static void flushResults() {
    try (Jedis redis = results()) {
      redis.flushDB();
    }
  }

  /** Python's runs so far, in order. */
  static List<Map<String, Object>> pyRuns() {
    List<Map<String, Object>> runs = new ArrayList<>();
    try (Jedis redis = results()) {
      redis.lrange("canvas:py:runs", 0, -1).forEach(line -> runs.add(PythonCelery.parse(line)));
    }
    return runs;
  }

  static List<Map<String, Object>> pyRuns(String name) {
    return pyRuns().stream().filter(run -> name.equals(run.get("name"))).toList();
  }

  /** Python's {@code AsyncResult(id).get()}: what Celery's client reads of a result. */
  static Map<String, Object> pyGet(String id) {
    return python.script("canvas_app.py", "get", id, "30").get(0);
  }

  static Map<String, Object> command(String command, String... args) {
    return python.script("canvas_app.py", command, args).get(0);
  }

  static void await(String what, Supplier<Boolean> condition) {
    Waits.await(what, WAIT, condition::get,
        () -> "java runs " + CanvasTasks.runs() + "\npython runs " + pyRuns());
  }

  static Signature<Object> java(String name, Map<String, ?> kwargs) {
    return Signature.of("canvas." + name, List.of(), kwargs).on(app);
  }

  static Signature<Object> py(String name, Object... args) {
    return Signature.of("canvas." + name, List.of(args), Map.of()).on(app);
  }

  /** Settles what a test left running, so the next one starts from nothing. */
  static void settle() {
    Waits.sleep(Duration.ofMillis(500));
  }

  // Built by Python ----------------------------------------------------------------------------------------

  @Test
  public void aPythonChainRunsItsJavaStepAndGoesOn() {
    Map<String, Object> sent = command("chain-python-first");
    // 1+2 = 3 (Python), 3+10 = 13 (Java), 13+100 = 113 (Python)
    Map<String, Object> last = pyGet((String) sent.get("last"));
    assertEquals(113, ((Number) last.get("result")).intValue(), last.toString());
    Run javaStep = CanvasTasks.runs("java_add").get(0);
    assertEquals(List.of(3L, 10L), javaStep.args());
    assertEquals(sent.get("first"), javaStep.parentId(), "parent: the Python step before it");
    assertEquals(sent.get("first"), javaStep.rootId(), "root: the chain's first task");
    Map<String, Object> after = pyRuns("py_add").get(1);
    assertEquals(javaStep.id(), after.get("parent_id"), "the Java worker sent the next hop as its parent");
    assertEquals(sent.get("first"), after.get("root_id"));
    assertEquals(sent.get("last"), after.get("id"), "the hop keeps the id the Python client froze");
    settle();
    assertEquals(1, CanvasTasks.runs().size(), "ran once: " + CanvasTasks.runs());
  }

  @Test
  public void aPythonChainThatStartsInJavaEndsInJava() {
    Map<String, Object> sent = command("chain-java-first");
    // 5+6 = 11 (Java), 11+1 = 12 (Python), 12+1000 = 1012 (Java)
    await("the last Java step", () -> CanvasTasks.runs("java_add").size() >= 2);
    List<Run> runs = CanvasTasks.runs("java_add");
    assertEquals(1012L, runs.get(1).result());
    assertEquals(sent.get("last"), runs.get(1).id());
    assertEquals(sent.get("first"), runs.get(1).rootId());
    assertEquals(pyRuns("py_add").get(0).get("id"), runs.get(1).parentId());
    assertEquals(12, ((Number) pyGet(runs.get(1).parentId()).get("result")).intValue());
  }

  @Test
  public void aFailedJavaStepFailsTheRestOfAPythonChain() {
    Map<String, Object> sent = command("chain-java-fails");
    Map<String, Object> last = pyGet((String) sent.get("last"));
    assertEquals("FAILURE", last.get("state"), last.toString());
    assertTrue(String.valueOf(last.get("error")).contains("java failure 9"), last.toString());
    assertEquals("FAILURE", pyGet((String) sent.get("middle")).get("state"));
    assertEquals(List.of(), pyRuns("py_add"), "nothing after the failed step ran");
  }

  @Test
  public void pythonLinksAndLinkErrorsOnJavaTasksAndTheOtherWayRound() {
    Map<String, Object> sent = command("link");
    await("the callback, the Python errback of the Java failure, and the Java errback of the Python failure",
        () -> pyRuns("py_add").size() >= 1 && pyRuns("py_on_error").size() >= 1
            && CanvasTasks.runs("java_on_error").size() >= 1);
    Map<String, Object> callback = pyRuns("py_add").get(0);
    assertEquals(List.of(4, 10), callback.get("args"), "the Java result prepended");
    assertEquals(sent.get("ok"), callback.get("parent_id"));
    assertEquals(List.of(callback.get("id")), pyGet((String) sent.get("ok")).get("children"),
        "Python reads the callback among the Java task's children");
    Map<String, Object> errback = pyRuns("py_on_error").get(0);
    assertEquals(List.of(sent.get("bad"), "java-failed"), errback.get("args"), "the failed id prepended");
    assertEquals(sent.get("bad"), errback.get("parent_id"));
    Run javaErrback = CanvasTasks.runs("java_on_error").get(0);
    assertEquals(List.of(sent.get("py_bad"), "python-failed"), javaErrback.args());
    settle();
    assertEquals(1, pyRuns("py_add").size(), "no callback for the failure: " + pyRuns());
    assertEquals(1, pyRuns("py_on_error").size(), "no errback for the success: " + pyRuns());
  }

  @Test
  public void aPythonGroupWithJavaMembers() {
    Map<String, Object> sent = command("group-mixed");
    await("4 members", () -> pyRuns("py_add").size() >= 2 && CanvasTasks.runs("java_add").size() >= 2);
    for (Map<String, Object> run : pyRuns("py_add")) {
      assertEquals(sent.get("group"), run.get("group"));
    }
    assertEquals(List.of(4L, 8L), CanvasTasks.runs("java_add").stream().map(Run::result).sorted().toList());
  }

  @Test
  public void aPythonChordWithJavaMembersFiresItsJavaBodyOnce() {
    command("chord-mixed", "java");
    await("the Java body", () -> CanvasTasks.runs("java_sum").size() >= 1);
    Run body = CanvasTasks.runs("java_sum").get(0);
    assertEquals(List.of(2L, 4L, 6L, 8L), body.args().get(0), "results in header order");
    assertEquals(20L, body.result());
    settle();
    assertEquals(1, CanvasTasks.runs("java_sum").size(), "exactly once");
  }

  @Test
  public void aPythonChordWithJavaMembersFiresItsPythonBody() {
    Map<String, Object> sent = command("chord-mixed", "python");
    Map<String, Object> result = pyGet((String) sent.get("body"));
    assertEquals(20, ((Number) result.get("result")).intValue(), result.toString());
    settle();
    assertEquals(1, pyRuns("py_sum").size());
  }

  // Built in Java ------------------------------------------------------------------------------------------

  @Test
  public void aJavaChainRunsThroughPythonAndJava() {
    TaskRef<?> last = Canvas.chain(java("java_add", Map.of("x", 1, "y", 2)), py("py_add", 10),
        java("java_add", Map.of("y", 100)), py("py_add", 1000)).on(app).apply();
    // 1+2 = 3 (Java), 3+10 = 13 (Python), 13+100 = 113 (Java), 113+1000 = 1113 (Python)
    Map<String, Object> result = pyGet(last.id());
    assertEquals(1113, ((Number) result.get("result")).intValue(), result.toString());
    List<Run> java = CanvasTasks.runs("java_add");
    assertEquals(2, java.size());
    assertEquals(java.get(0).id(), java.get(1).rootId());
    assertEquals(java.get(0).id(), pyRuns("py_add").get(1).get("root_id"));
  }

  @Test
  public void aJavaChainOfJavaSteps() {
    TaskRef<?> last = Canvas.chain(java("java_add", Map.of("x", 1, "y", 2)), java("java_add", Map.of("y", 3)),
        java("java_add", Map.of("x", 0, "y", 0)).immutable()).on(app).apply();
    await("3 steps", () -> CanvasTasks.runs("java_add").size() >= 3);
    List<Run> runs = CanvasTasks.runs("java_add");
    assertEquals(List.of(3L, 6L, 0L), runs.stream().map(Run::result).toList());
    assertEquals(last.id(), runs.get(2).id());
    assertEquals(runs.get(1).id(), runs.get(2).parentId());
  }

  @Test
  public void javaLinksAndLinkErrorsRunInPython() {
    java("java_add", Map.of("x", 20, "y", 2)).link(py("py_add", 1)).linkError(py("py_on_error", "not-expected"))
        .apply();
    TaskRef<?> failing = java("java_fail", Map.of("n", 3)).linkError(py("py_on_error", "java-failed")).apply();
    await("the callback and the errback", () -> pyRuns("py_add").size() >= 1 && pyRuns("py_on_error").size() >= 1);
    assertEquals(List.of(22, 1), pyRuns("py_add").get(0).get("args"));
    assertEquals(List.of(failing.id(), "java-failed"), pyRuns("py_on_error").get(0).get("args"));
    settle();
    assertEquals(1, pyRuns("py_on_error").size());
  }

  @Test
  public void generatedSignaturesAndWithLink() {
    Canvas.chain(java("java_add", Map.of("x", 1, "y", 2)), NoteTask.signature("after-add")).on(app).apply();
    NoteTask.with().on(app).link(py("py_on_error", "linked")).enqueue(5L, "linked-from-java");
    await("the note and the Python callback", () -> CanvasTasks.runs("java_note").size() >= 2
        && pyRuns("py_on_error").size() >= 1);
    Run chained = CanvasTasks.runs("java_note").stream().filter(run -> "after-add".equals(run.result())).findFirst()
        .orElseThrow();
    assertEquals(List.of(3L, "after-add"), chained.args(), "the generated signature's first parameter: the result");
    assertEquals(java.util.Arrays.asList(null, "linked"), pyRuns("py_on_error").get(0).get("args"),
        "a void task's callback gets None first");
  }

  @Test
  public void typedResultsOfJavaBuiltCanvasesReadWithTaskRefGet() {
    // (2 * 3) + 4 in Python, then * 10 in Java: the chain's TaskRef is the last step's, typed by its stub.
    TaskRef<Long> last = Canvas.<Long>chain(MulTask.signature(2L, 3L), CanvasPyAddTask.signature(4L),
        MulTask.signature(10L)).on(app).apply();
    assertEquals(100L, last.get(WAIT));
    TaskRef<Long> body = Canvas.chord(Canvas.group(MulTask.signature(1L, 2L), CanvasPyAddTask.signature(3L, 4L)),
        CanvasPySumTask.signature()).on(app).apply();
    assertEquals(9L, body.get(WAIT));
  }

  @Test
  public void aJavaGroupAndAJavaChordWithPythonMembers() {
    GroupRef group = Canvas.group(py("py_add", 1, 1), java("java_add", Map.of("x", 2, "y", 2))).on(app).apply()
        .save();
    assertEquals(group.members().stream().map(TaskRef::id).toList(), command("group-get", group.id()).get("members"),
        "Python's GroupResult.restore reads the group Java saved");
    await("2 members", () -> pyRuns("py_add").size() >= 1 && CanvasTasks.runs("java_add").size() >= 1);
    assertEquals(group.id(), pyRuns("py_add").get(0).get("group"));
    assertNull(pyRuns("py_add").get(0).get("group_index"), "a plain group has no index");

    TaskRef<?> body = Canvas.chord(Canvas.group(py("py_add", 1, 1), java("java_add", Map.of("x", 2, "y", 2)),
        py("py_add", 3, 3), java("java_add", Map.of("x", 4, "y", 4))), py("py_sum")).on(app).apply();
    Map<String, Object> result = pyGet(body.id());
    assertEquals(20, ((Number) result.get("result")).intValue(), result.toString());
    List<Object> indexes = pyRuns("py_add").stream().skip(1).map(run -> run.get("group_index")).toList();
    assertTrue(indexes.containsAll(List.of(0, 2)), "chord members carry group_index: " + indexes);

    TaskRef<?> javaBody = Canvas.chord(Canvas.group(py("py_add", 5, 5), java("java_add", Map.of("x", 6, "y", 6))),
        java("java_sum", Map.of())).on(app).apply();
    await("the Java body", () -> CanvasTasks.runs("java_sum").size() >= 1);
    Run sum = CanvasTasks.runs("java_sum").get(0);
    assertEquals(javaBody.id(), sum.id());
    assertEquals(List.of(10L, 12L), sum.args().get(0));
    settle();
    assertEquals(1, CanvasTasks.runs("java_sum").size());
    assertEquals(1, pyRuns("py_sum").size());
  }
}
