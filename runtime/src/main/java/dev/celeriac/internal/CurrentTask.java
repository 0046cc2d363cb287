package dev.celeriac.internal;

import dev.celeriac.TaskContext;

/** The thread-local behind {@link TaskContext#current()}, set by the runtime around each run. */
public final class CurrentTask {

  private static final ThreadLocal<TaskContext> CURRENT = new ThreadLocal<>();

  private CurrentTask() {}

  public static TaskContext get() {
    return CURRENT.get();
  }

  /** Makes {@code context} current; returns what was current before, for {@link #restore}. */
  public static TaskContext enter(TaskContext context) {
    TaskContext previous = CURRENT.get();
    CURRENT.set(context);
    return previous;
  }

  public static void restore(TaskContext previous) {
    if (previous == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(previous);
    }
  }
}
