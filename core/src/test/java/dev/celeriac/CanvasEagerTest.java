package dev.celeriac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Eager mode runs chains, links, groups and chords in the caller's thread, through the same encoding. */
class CanvasEagerTest {

  static final ConcurrentLinkedQueue<String> RUNS = new ConcurrentLinkedQueue<>();

  static final TaskDefinition ADD = TaskDefinition.builder("canvas.add").queue("canvas")
      .parameter(Parameter.of("x", "x", ValueType.INT))
      .parameter(Parameter.of("y", "y", ValueType.INT))
      .function(arguments -> {
        int sum = (int) arguments[0] + (int) arguments[1];
        RUNS.add("add:" + arguments[0] + "+" + arguments[1] + "=" + sum + " on " + Thread.currentThread().getName());
        return sum;
      }).build();
  static final TaskDefinition SUM = TaskDefinition.builder("canvas.sum").queue("canvas")
      .parameter(Parameter.of("values", "values", ValueType.listOf(ValueType.boxed(ValueType.Kind.LONG))))
      .function(arguments -> {
        @SuppressWarnings("unchecked")
        List<Long> values = (List<Long>) arguments[0];
        long sum = values.stream().mapToLong(Long::longValue).sum();
        RUNS.add("sum:" + values + "=" + sum);
        return sum;
      }).build();
  static final TaskDefinition FAIL = TaskDefinition.builder("canvas.fail").queue("canvas").maxRetries(0)
      .function(arguments -> {
        RUNS.add("fail");
        throw new IllegalStateException("boom");
      }).build();
  static final TaskDefinition ON_ERROR = TaskDefinition.builder("canvas.on_error").queue("canvas")
      .parameter(Parameter.of("task_id", "taskId", ValueType.STRING))
      .parameter(Parameter.of("note", "note", ValueType.STRING))
      .function(arguments -> {
        RUNS.add("on_error:" + arguments[0] + " " + arguments[1]);
        return null;
      }).build();

  private final Celeriac app = Celeriac.create(CeleriacConfig.builder().eager(true)
      .registry(TaskRegistry.of(List.of(ADD, SUM, FAIL, ON_ERROR))).build());

  @AfterEach
  void close() {
    app.close();
    RUNS.clear();
  }

  private static Signature<Integer> add(int x, int y) {
    return Signature.forTask(ADD, Map.of("x", x, "y", y));
  }

  /** Adds {@code y} to the previous step's result. */
  private static Signature<Integer> add(int y) {
    return Signature.forTask(ADD, Map.of("y", y));
  }

  @Test
  void aChainRunsEachStepWithThePreviousResultInTheCallersThread() {
    TaskRef<?> ref = Canvas.chain(add(1, 2), add(3), add(4)).on(app).apply();

    String thread = Thread.currentThread().getName();
    assertEquals(List.of("add:1+2=3 on " + thread, "add:3+3=6 on " + thread, "add:6+4=10 on " + thread),
        List.copyOf(RUNS));
    assertEquals("canvas.add", ref.name());
  }

  @Test
  void anImmutableStepIgnoresThePreviousResult() {
    Canvas.chain(add(1, 2), add(5, 5).immutable()).on(app).apply();

    assertEquals(2, RUNS.size());
    assertTrue(List.copyOf(RUNS).get(1).startsWith("add:5+5=10"), RUNS.toString());
  }

  @Test
  void linkRunsTheCallbackAndLinkErrorTheErrback() {
    add(2, 2).link(add(10)).on(app).apply();
    assertEquals(List.of("add:2+2=4", "add:4+10=14"), RUNS.stream().map(run -> run.split(" on ", -1)[0]).toList());

    RUNS.clear();
    Signature<Object> failing = Signature.forTask(FAIL, Map.of());
    assertThrows(EagerTaskException.class,
        () -> failing.linkError(Signature.forTask(ON_ERROR, Map.of("note", "seen"))).on(app).apply());
    assertEquals(2, RUNS.size());
    assertTrue(List.copyOf(RUNS).get(1).startsWith("on_error:"), RUNS.toString());
    assertTrue(List.copyOf(RUNS).get(1).endsWith(" seen"), RUNS.toString());
  }

  @Test
  void aGroupRunsEveryMemberAndAChordItsBodyWithTheResultsInOrder() {
    GroupRef group = Canvas.group(add(1, 1), add(2, 2)).on(app).apply();
    assertEquals(2, group.members().size());
    assertEquals(2, RUNS.size());

    RUNS.clear();
    TaskRef<Long> body = Canvas.chord(Canvas.group(add(1, 1), add(2, 2), add(3, 3)),
        Signature.<Long>forTask(SUM, Map.of())).on(app).apply();
    assertEquals("sum:[2, 4, 6]=12", List.copyOf(RUNS).get(3));
    assertEquals("canvas.sum", body.name());
  }

  @Test
  void stepsAfterAChordInAChainRunAfterItsBody() {
    Canvas.chain(Canvas.group(add(1, 1), add(2, 2)).asSignature(), Signature.forTask(SUM, Map.of()),
        Signature.forTask(ADD, Map.of("y", 100))).on(app).apply();
    assertEquals(List.of("sum:[2, 4]=6", "add:6+100=106"),
        List.copyOf(RUNS).subList(2, 4).stream().map(run -> run.split(" on ", -1)[0]).toList());
  }

  @Test
  void aGroupAtTheEndOfAChainGetsThePreviousResultInEachMember() {
    Canvas.chain(add(1, 1), Canvas.group(add(10), add(20)).asSignature()).on(app).apply();
    assertEquals(List.of("add:1+1=2", "add:2+10=12", "add:2+20=22"),
        RUNS.stream().map(run -> run.split(" on ", -1)[0]).toList());
  }

  @Test
  void aChainsLinkFollowsItsLastStepAndItsLinkErrorAnyStep() {
    Canvas.chain(add(1, 1), add(1)).link(add(100)).on(app).apply();
    assertEquals(List.of("add:1+1=2", "add:2+1=3", "add:3+100=103"),
        RUNS.stream().map(run -> run.split(" on ", -1)[0]).toList());

    RUNS.clear();
    Signature<Object> chain = Canvas.chain(add(1, 1), Signature.forTask(FAIL, Map.of()).immutable(), add(1))
        .linkError(Signature.forTask(ON_ERROR, Map.of("note", "chain")));
    assertThrows(EagerTaskException.class, () -> chain.on(app).apply());
    List<String> runs = List.copyOf(RUNS);
    assertEquals(3, runs.size(), runs.toString());
    assertEquals("fail", runs.get(1));
    assertTrue(runs.get(2).startsWith("on_error:") && runs.get(2).endsWith(" chain"), runs.toString());
  }

  @Test
  void aChainThroughAGroupIsAChord() {
    Canvas.chain(add(1, 1), Canvas.group(add(10), add(20)).asSignature(), Signature.forTask(SUM, Map.of()))
        .on(app).apply();
    assertEquals("sum:[12, 22]=34", List.copyOf(RUNS).get(3));
  }
}
