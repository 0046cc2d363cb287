package dev.celeriac.it.interop;

import dev.celeriac.Extras;
import dev.celeriac.Task;
import java.util.Map;

/** A processor-generated task of the canvas tests, to use its {@code signature(...)} and {@code with().link(...)}. */
public final class CanvasStubTasks {

  private CanvasStubTasks() {}

  /** Multiplies: a generated task with a result, whose stub's signature(...) is typed {@code Signature<Long>}. */
  @Task(name = "canvas.java_mul", queue = "canvas-java", maxRetries = 0)
  public static long mul(long x, long y, @Extras Map<String, Object> extras) {
    return x * y;
  }

  /** Implemented by canvas_app.py. */
  public interface Python {
    @Task(name = "canvas.py_add", queue = "canvas-py")
    long canvasPyAdd(long x, long y, @Extras Map<String, Object> extras);

    @Task(name = "canvas.py_sum", queue = "canvas-py")
    long canvasPySum(java.util.List<Long> values, @Extras Map<String, Object> extras);
  }

  /** Records {@code value} (the previous step's result in a chain) under {@code label}. */
  @Task(name = "canvas.java_note", queue = "canvas-java", maxRetries = 0)
  public static void note(Long value, String label, @Extras Map<String, Object> extras) {
    CanvasTasks.note(value, label);
  }
}
