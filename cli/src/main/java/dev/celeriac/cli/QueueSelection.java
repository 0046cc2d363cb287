package dev.celeriac.cli;

import dev.celeriac.TaskRegistry;
import dev.celeriac.broker.QueueAdministration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Option;

/** {@code -Q q1,q2} of the inspecting commands: the queues named, or every queue the broker and the index know. */
final class QueueSelection {

  @Option(names = {"-Q", "--queues"}, split = ",", paramLabel = "QUEUE",
      description = "Queues, comma-separated. Default: every queue the broker knows and every queue of the task "
          + "index.")
  private List<String> queues;

  /** The queues named, or every queue the broker knows of and every queue of the app's task index. */
  Set<String> resolve(QueueAdministration admin, TaskRegistry registry) {
    Set<String> names = new TreeSet<>();
    if (queues != null) {
      names.addAll(queues);
    } else {
      names.addAll(admin.queueNames());
      registry.tasks().forEach(task -> names.add(task.queue()));
    }
    return names;
  }
}
