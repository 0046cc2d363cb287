package dev.celeriac.it.interop;

import dev.celeriac.Extras;
import dev.celeriac.Task;
import java.util.Map;

/** A processor-generated task of the canvas tests, to use its {@code signature(...)} and {@code with().link(...)}. */
public final class CanvasStubTasks {

  private CanvasStubTasks() {}

  /** Records {@code value} (the previous step's result in a chain) under {@code label}. */
  @Task(name = "canvas.java_note", queue = "canvas-java", maxRetries = 0)
  public static void note(Long value, String label, @Extras Map<String, Object> extras) {
    CanvasTasks.note(value, label);
  }
}
