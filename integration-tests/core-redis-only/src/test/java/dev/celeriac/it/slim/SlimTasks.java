package dev.celeriac.it.slim;

import dev.celeriac.Extras;
import dev.celeriac.Task;
import java.util.Map;

/** The tasks of the slim service. */
public final class SlimTasks {

  private SlimTasks() {}

  @Task(name = "slim.multiply", queue = "slim")
  public static long multiply(long a, long b, @Extras Map<String, Object> extras) {
    return a * b;
  }
}
