package dev.celeriac;

import dev.celeriac.internal.TaskInvoker;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Task definitions for runtime tests, built by hand the way generated stubs build them, recording every call. */
public final class RecordingTasks {

  /** Arguments of every run, in order. */
  public final List<List<Object>> calls = new CopyOnWriteArrayList<>();

  /** A task that records its arguments and returns. */
  public TaskDefinition.Builder recording(String name) {
    return TaskDefinition.builder(name).origin("test#" + name).invoker(record(args -> {}));
  }

  /** A task that records its arguments, then runs {@code body}. */
  public TaskDefinition.Builder recording(String name, TaskInvoker body) {
    return TaskDefinition.builder(name).origin("test#" + name).invoker(record(body));
  }

  private TaskInvoker record(TaskInvoker body) {
    return args -> {
      calls.add(Arrays.asList(args.clone()));
      body.invoke(args);
    };
  }
}
