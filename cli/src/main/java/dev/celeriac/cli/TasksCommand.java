package dev.celeriac.cli;

import dev.celeriac.Parameter;
import dev.celeriac.TaskDefinition;
import dev.celeriac.TaskRegistry;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tasks}: lists every task in the indexes on the class path. */
@Command(name = "tasks", mixinStandardHelpOptions = true,
    description = "List every task in the task indexes on the class path: name, queue, keywords with types, "
        + "result type, retry policy and schedule.")
final class TasksCommand implements Callable<Integer> {

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    TaskRegistry registry = TaskRegistry.load(Thread.currentThread().getContextClassLoader());
    PrintWriter out = spec.commandLine().getOut();
    List<TaskDefinition> tasks = registry.tasks();
    if (tasks.isEmpty()) {
      out.println("No tasks: no task index on the class path. Is the celeriac-processor on the annotation "
          + "processor path of the module that declares them?");
      return 0;
    }
    for (TaskDefinition task : tasks) {
      out.println(task.name());
      out.println("  queue     " + task.queue());
      out.println("  keywords  " + keywords(task));
      out.println("  result    " + result(task));
      out.println("  retry     " + task.retryPolicy() + retryExtras(task));
      out.println("  schedule  " + task.schedule().map(Object::toString).orElse("-"));
      out.println("  runs      " + (task.isImplemented() ? task.origin() : "elsewhere (declared by " + task.origin() + ")"));
    }
    out.println(tasks.size() + " task" + (tasks.size() == 1 ? "" : "s"));
    return 0;
  }

  /** The result type, and whether results are stored or STARTED tracked. */
  private static String result(TaskDefinition task) {
    String type = task.resultType().map(Object::toString).orElse("void");
    return type + (task.ignoreResult() ? " (ignored: nothing stored)" : "")
        + (task.trackStarted() ? " (stores STARTED)" : "");
  }

  private static String keywords(TaskDefinition task) {
    List<String> parts = new ArrayList<>();
    for (Parameter parameter : task.parameters()) {
      parts.add(parameter.toString() + (parameter.isRequired() ? " (required)" : ""));
    }
    parts.add("**kwargs");
    return String.join(", ", parts);
  }

  private static String retryExtras(TaskDefinition task) {
    StringBuilder out = new StringBuilder();
    if (!task.retryPolicy().dontRetryOn().isEmpty()) {
      out.append(", not on ").append(task.retryPolicy().dontRetryOn().stream().map(Class::getSimpleName).toList());
    }
    if (!task.timeLimit().isZero()) {
      out.append("; time limit ").append(task.timeLimit().toSeconds()).append('s');
    }
    if (!task.expires().isZero()) {
      out.append("; expires after ").append(task.expires().toSeconds()).append('s');
    }
    return out.toString();
  }
}
