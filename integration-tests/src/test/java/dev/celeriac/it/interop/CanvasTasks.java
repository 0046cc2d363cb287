package dev.celeriac.it.interop;

import dev.celeriac.Parameter;
import dev.celeriac.TaskContext;
import dev.celeriac.TaskDefinition;
import dev.celeriac.TaskRegistry;
import dev.celeriac.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Java tasks of the canvas interop tests, written as the processor writes definitions but returning results
 * (what {@code canvas_app.py} mixes into its chains, groups and chords). Every run is recorded.
 */
public final class CanvasTasks {

  public static final String QUEUE = "canvas-java";
  public static final String PY_QUEUE = "canvas-py";

  /** One run: the task, its id, its arguments as bound, and where it came from. */
  public record Run(String name, String id, List<Object> args, Object result, String parentId, String rootId) {}

  private static final List<Run> RUNS = new CopyOnWriteArrayList<>();

  private static final ValueType LONG = ValueType.boxed(ValueType.Kind.LONG);

  /** {@code canvas.java_add(x, y)}: x + y, a missing value counting 0. */
  public static final TaskDefinition ADD = TaskDefinition.builder("canvas.java_add").queue(QUEUE).maxRetries(0)
      .parameter(Parameter.of("x", "x", LONG))
      .parameter(Parameter.of("y", "y", LONG))
      .function(arguments -> {
        long result = value(arguments[0]) + value(arguments[1]);
        return record("java_add", result, arguments[0], arguments[1]);
      }).build();
  /** {@code canvas.java_sum(values)}: a chord body. */
  public static final TaskDefinition SUM = TaskDefinition.builder("canvas.java_sum").queue(QUEUE).maxRetries(0)
      .parameter(Parameter.of("values", "values", ValueType.listOf(LONG)))
      .function(arguments -> {
        List<?> values = (List<?>) arguments[0];
        long result = values.stream().mapToLong(CanvasTasks::value).sum();
        return record("java_sum", result, values);
      }).build();
  /** {@code canvas.java_fail(n)}: fails for good. */
  public static final TaskDefinition FAIL = TaskDefinition.builder("canvas.java_fail").queue(QUEUE).maxRetries(0)
      .parameter(Parameter.of("n", "n", LONG))
      .function(arguments -> {
        record("java_fail", null, arguments[0]);
        throw new IllegalStateException("java failure " + arguments[0]);
      }).build();
  /** {@code canvas.java_on_error(task_id, note)}: an errback. */
  public static final TaskDefinition ON_ERROR = TaskDefinition.builder("canvas.java_on_error").queue(QUEUE)
      .parameter(Parameter.of("task_id", "taskId", ValueType.STRING))
      .parameter(Parameter.of("note", "note", ValueType.STRING))
      .function(arguments -> record("java_on_error", arguments[1], arguments[0], arguments[1])).build();

  /** Python's errback as this side knows it: its name and queue, no worker entry (the others have stubs). */
  public static final TaskDefinition PY_ON_ERROR = TaskDefinition.builder("canvas.py_on_error").queue(PY_QUEUE)
      .build();

  public static final TaskRegistry REGISTRY = TaskRegistry.of(List.of(ADD, SUM, FAIL, ON_ERROR,
      CanvasPyAddTask.DEFINITION, CanvasPySumTask.DEFINITION, PY_ON_ERROR, NoteTask.DEFINITION, MulTask.DEFINITION));

  /** What {@link CanvasStubTasks#note} records. */
  static void note(Long value, String label) {
    record("java_note", label, value, label);
  }

  private CanvasTasks() {}

  private static long value(Object value) {
    return value == null ? 0 : ((Number) value).longValue();
  }

  private static Object record(String name, Object result, Object... args) {
    TaskContext context = TaskContext.current().orElseThrow();
    RUNS.add(new Run(name, context.id(), new ArrayList<>(Arrays.asList(args)), result, context.parentId(),
        context.rootId()));
    return result;
  }

  public static List<Run> runs() {
    return List.copyOf(RUNS);
  }

  public static List<Run> runs(String name) {
    return RUNS.stream().filter(run -> run.name().equals(name)).toList();
  }

  public static void reset() {
    RUNS.clear();
  }
}
