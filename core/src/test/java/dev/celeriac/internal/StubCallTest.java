package dev.celeriac.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.Parameter;
import dev.celeriac.Signature;
import dev.celeriac.Task;
import dev.celeriac.TaskDefinition;
import dev.celeriac.TaskRef;
import dev.celeriac.TaskRegistry;
import dev.celeriac.ValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What generated stubs hand to the runtime: values in parameter order, sent under the definition's keywords. The
 * {@code Call} here is shaped as the processor writes one.
 */
class StubCallTest {

  private static final List<List<Object>> RUNS = new ArrayList<>();

  private static final TaskDefinition DEFINITION = TaskDefinition.builder("tests.stub_call")
      .queue("stubs")
      .parameter(Parameter.of("project_id", "projectId", ValueType.LONG))
      .parameter(Parameter.withDefault("limit", "limit", ValueType.INT, 10, "10"))
      .parameter(Parameter.of("note", "note", ValueType.STRING))
      .function(arguments -> RUNS.add(Arrays.asList(arguments)))
      .build();

  /** As generated: one line per overload. */
  static final class Call extends StubCall<Call, Void> {
    Call() {
      super(DEFINITION);
    }

    TaskRef<Void> enqueue(long projectId, int limit, String note) {
      return values(projectId, limit, note);
    }

    TaskRef<Void> enqueue(long projectId, int limit, String note, Map<String, Object> extras) {
      return valuesAndExtras(extras, projectId, limit, note);
    }

    TaskRef<Void> enqueue(long projectId) {
      return values(projectId);
    }

    TaskRef<Void> tooMany() {
      return values(1L, 2, "three", 4);
    }
  }

  @Test
  void valuesTravelUnderTheirKeywordsAndLeftOutOnesTakeTheirDefaults() {
    RUNS.clear();
    try (Celeriac eager = Celeriac.create(CeleriacConfig.builder().eager(true)
        .registry(TaskRegistry.of(List.of(DEFINITION))).build())) {
      // Options chain on the generated type, then the typed enqueue.
      new Call().on(eager).countdown(Duration.ofSeconds(1)).enqueue(7L, 3, "n");
      new Call().on(eager).enqueue(8L, 4, null, Map.of("trace", "abc"));
      new Call().on(eager).enqueue(9L);
    }
    assertEquals(List.of(
        Arrays.asList(7L, 3, "n", Map.of()),
        Arrays.asList(8L, 4, null, Map.of("trace", "abc")),
        Arrays.asList(9L, 10, null, Map.of())), RUNS);
  }

  @Test
  void extrasMayNotRepeatAParameterAndValuesMayNotOutnumberParameters() {
    try (Celeriac eager = Celeriac.create(CeleriacConfig.builder().eager(true)
        .registry(TaskRegistry.of(List.of(DEFINITION))).build())) {
      IllegalArgumentException repeated = assertThrows(IllegalArgumentException.class,
          () -> new Call().on(eager).enqueue(1L, 2, "n", Map.of("limit", 5)));
      assertTrue(repeated.getMessage().contains("extras key 'limit' is a parameter of task 'tests.stub_call'"),
          repeated.getMessage());
      IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
          () -> new Call().on(eager).tooMany());
      assertTrue(tooMany.getMessage().contains("4 values for task 'tests.stub_call', which takes 3"),
          tooMany.getMessage());
    }
  }

  @Test
  void signaturesTakeTheParametersFromTheGivenPosition() {
    Signature<Void> all = Signatures.of(DEFINITION, 0, 1L, 2, "n");
    Map<String, Object> kwargs = new LinkedHashMap<>();
    kwargs.put("project_id", 1L);
    kwargs.put("limit", 2);
    kwargs.put("note", "n");
    assertEquals(kwargs, all.toDict().get("kwargs"));
    assertEquals("tests.stub_call", all.name());

    // From 1: the first parameter is the previous step's result in a chain.
    Signature<Void> rest = Signatures.of(DEFINITION, 1, 2, "n");
    assertEquals(Map.of("limit", 2, "note", "n"), rest.toDict().get("kwargs"));
    assertEquals(List.of(), rest.toDict().get("args"));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Signatures.of(DEFINITION, 1, 2, "n", "extra"));
    assertTrue(e.getMessage().contains("3 values from parameter 1 for task 'tests.stub_call', which takes 3"),
        e.getMessage());
  }

  /**
   * Stubs leave out every setting that is {@code @Task}'s default, so the builder's defaults must be exactly those.
   */
  @Test
  void theBuildersDefaultsAreTheAnnotationsDefaults() throws Exception {
    TaskDefinition plain = TaskDefinition.builder("tests.plain").build();
    assertEquals(Task.class.getMethod("queue").getDefaultValue(), plain.queue());
    assertEquals(Task.class.getMethod("maxRetries").getDefaultValue(), plain.retryPolicy().maxRetries());
    assertEquals(Duration.ofSeconds((int) Task.class.getMethod("defaultRetryDelaySeconds").getDefaultValue()),
        plain.retryPolicy().delay());
    assertEquals(Task.class.getMethod("retryBackoff").getDefaultValue(), plain.retryPolicy().backoff());
    assertEquals(List.of((Class<?>[]) Task.class.getMethod("retryOn").getDefaultValue()),
        plain.retryPolicy().retryOn());
    assertEquals(List.of((Class<?>[]) Task.class.getMethod("dontRetryOn").getDefaultValue()),
        plain.retryPolicy().dontRetryOn());
    assertEquals(Duration.ofSeconds((int) Task.class.getMethod("timeLimitSeconds").getDefaultValue()),
        plain.timeLimit());
    assertEquals(Duration.ofSeconds((int) Task.class.getMethod("expiresSeconds").getDefaultValue()),
        plain.expires());
    assertEquals(Task.class.getMethod("ignoreResult").getDefaultValue(), plain.ignoreResult());
    assertEquals(Task.class.getMethod("trackStarted").getDefaultValue(), plain.trackStarted());
  }
}
