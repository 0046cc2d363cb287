package dev.celeriac.internal;

import dev.celeriac.TaskContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The thread-local behind {@link TaskContext#current()}, set by the runtime around each run, and the result tuples
 * of what the run sent: Celery stores them as the task's {@code children}.
 */
public final class CurrentTask {

  private static final ThreadLocal<Frame> CURRENT = new ThreadLocal<>();

  private CurrentTask() {}

  /** One run: its context and what it has sent so far. */
  public static final class Frame {
    private final TaskContext context;
    private final List<Object> children = new ArrayList<>(0);
    /** Off while a canvas is applied: the canvas is recorded once, not each message it sends. */
    private boolean recording = true;
    private final Frame previous;

    private Frame(TaskContext context, Frame previous) {
      this.context = context;
      this.previous = previous;
    }
  }

  public static TaskContext get() {
    Frame frame = CURRENT.get();
    return frame == null ? null : frame.context;
  }

  /** Makes {@code context} current; pass what it returns to {@link #exit}. */
  public static Frame enter(TaskContext context) {
    Frame frame = new Frame(context, CURRENT.get());
    CURRENT.set(frame);
    return frame;
  }

  /**
   * Makes what was current before {@code frame} current again.
   *
   * @return the result tuples of what the run sent, in order (Celery's {@code request.children})
   */
  public static List<Object> exit(Frame frame) {
    if (frame.previous == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(frame.previous);
    }
    return frame.children;
  }

  /**
   * Records a task or group the running task sent, as a Celery result tuple; nothing when no task runs in this
   * thread.
   */
  public static void sent(Object resultTuple) {
    Frame frame = CURRENT.get();
    if (frame != null && frame.recording) {
      frame.children.add(resultTuple);
    }
  }

  /** Runs {@code apply} with {@link #sent} ignored in this run, then records {@code tuple} (if not null) once. */
  public static <T> T sentAsOne(java.util.function.Supplier<T> apply, java.util.function.Function<T, Object> tuple) {
    Frame frame = CURRENT.get();
    if (frame == null) {
      return apply.get();
    }
    boolean was = frame.recording;
    frame.recording = false;
    T result;
    try {
      result = apply.get();
    } finally {
      frame.recording = was;
    }
    Object recorded = tuple.apply(result);
    if (recorded != null) {
      sent(recorded);
    }
    return result;
  }
}
