package dev.celeriac;

import dev.celeriac.internal.TaskIndex;
import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Every task the class path declares, found through the generated task indexes. Dispatch goes only
 * through it: a task name from a message is looked up here, and no class named by a message is ever
 * loaded. Immutable.
 */
public final class TaskRegistry {

  private final Map<String, TaskDefinition> byName;

  private TaskRegistry(Map<String, TaskDefinition> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  /**
   * Loads every {@link TaskIndex} that {@link ServiceLoader} finds through {@code loader}.
   *
   * @throws DuplicateTaskException when two tasks share a name, naming where each was declared
   */
  public static TaskRegistry load(ClassLoader loader) {
    Map<String, TaskDefinition> byName = new TreeMap<>();
    Map<String, String> origins = new TreeMap<>();
    for (TaskIndex index : ServiceLoader.load(TaskIndex.class, loader)) {
      String indexOrigin = describe(index);
      for (TaskDefinition task : index.tasks()) {
        String origin = task.origin() + " (index " + indexOrigin + ")";
        String earlier = origins.putIfAbsent(task.name(), origin);
        if (earlier != null) {
          throw new DuplicateTaskException("task name '" + task.name() + "' is declared twice: by " + earlier
              + " and by " + origin + "; task names must be unique across everything a worker loads");
        }
        byName.put(task.name(), task);
      }
    }
    return new TaskRegistry(byName);
  }

  /**
   * A registry of exactly these tasks, for tests and embedding.
   *
   * @throws DuplicateTaskException when two share a name
   */
  public static TaskRegistry of(Collection<TaskDefinition> tasks) {
    Map<String, TaskDefinition> byName = new TreeMap<>();
    for (TaskDefinition task : tasks) {
      TaskDefinition earlier = byName.putIfAbsent(task.name(), task);
      if (earlier != null) {
        throw new DuplicateTaskException("task name '" + task.name() + "' is declared twice: by "
            + earlier.origin() + " and by " + task.origin());
      }
    }
    return new TaskRegistry(byName);
  }

  /** The task with this name, if any index declares it. */
  public Optional<TaskDefinition> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Every task, sorted by name. */
  public List<TaskDefinition> tasks() {
    return List.copyOf(byName.values());
  }

  /** The queues of the tasks this JVM implements, sorted; what a worker consumes by default. */
  public List<String> implementedQueues() {
    List<String> queues = new ArrayList<>();
    for (TaskDefinition task : byName.values()) {
      if (task.isImplemented() && !queues.contains(task.queue())) {
        queues.add(task.queue());
      }
    }
    Collections.sort(queues);
    return queues;
  }

  private static String describe(TaskIndex index) {
    Class<?> type = index.getClass();
    CodeSource source = type.getProtectionDomain().getCodeSource();
    URL location = source == null ? null : source.getLocation();
    return type.getName() + (location == null ? "" : " in " + location);
  }
}
