package dev.celeriac.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.EagerTaskException;
import dev.celeriac.EnqueueOptions;
import dev.celeriac.TaskDefinition;
import dev.celeriac.TaskRef;
import dev.celeriac.TaskRegistry;
import dev.celeriac.ValueType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Eager mode keeps results in memory, so tests read them as they would from a backend. */
class EagerResultsTest {

  static final TaskDefinition TWICE = TaskDefinition.builder("eager.twice").resultType(ValueType.boxed(ValueType.Kind.INT))
      .parameter(dev.celeriac.Parameter.of("n", "n", ValueType.INT))
      .function(arguments -> 2 * (Integer) arguments[0]).build();
  static final TaskDefinition FAIL = TaskDefinition.builder("eager.fail").maxRetries(0)
      .function(arguments -> {
        throw new IllegalArgumentException("no");
      }).build();

  @Test
  void resultsAreKeptInMemory() {
    try (Celeriac app = Celeriac.create(CeleriacConfig.builder().eager(true)
        .registry(TaskRegistry.of(List.of(TWICE, FAIL))).build())) {
      TaskRef<Object> ref = app.send(TWICE.name(), null, java.util.Map.of("n", 21), EnqueueOptions.DEFAULTS);
      assertEquals(TaskState.SUCCESS, ref.state());
      assertEquals(42, app.result(ref.id(), ValueType.boxed(ValueType.Kind.INT)).get(Duration.ZERO));

      assertEquals("memory://", app.resultBackend().orElseThrow().displayUrl());
      // A failure still throws at the call, as before; its FAILURE is stored first.
      assertThrows(EagerTaskException.class, () -> app.send(FAIL.name(), null, null, EnqueueOptions.DEFAULTS));
    }
  }
}
