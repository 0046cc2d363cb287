package dev.celeriac;

import dev.celeriac.internal.TaskIndex;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
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

  private static final String SERVICE_FILE = "META-INF/services/" + TaskIndex.class.getName();

  private final Map<String, TaskDefinition> byName;

  private TaskRegistry(Map<String, TaskDefinition> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  /**
   * Loads every {@link TaskIndex} that {@link ServiceLoader} finds through {@code loader}.
   *
   * @throws DuplicateTaskException when two tasks share a name, naming where each was declared, or when two
   *     class-path roots register one index class, naming both roots
   */
  public static TaskRegistry load(ClassLoader loader) {
    checkRegistrations(loader);
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

  /**
   * Fails when two class-path roots register the same index class. {@link ServiceLoader} would load that
   * class once, from the first root, and ignore the second without a word: whatever tasks the second root's
   * copy lists would be missing from every worker. Two builds of one module on the class path do this, and
   * so did two modules built by processors that named indexes by task names only.
   */
  private static void checkRegistrations(ClassLoader loader) {
    Map<String, String> roots = new TreeMap<>();
    Enumeration<URL> files;
    try {
      files = loader.getResources(SERVICE_FILE);
    } catch (IOException e) {
      throw new UncheckedIOException("could not list " + SERVICE_FILE + " on the class path", e);
    }
    for (URL file : Collections.list(files)) {
      String root = rootOf(file);
      for (String index : providerNames(file)) {
        String earlier = roots.putIfAbsent(index, root);
        if (earlier != null && !earlier.equals(root)) {
          throw new DuplicateTaskException("task index " + index + " is registered twice: in " + earlier
              + " and in " + root + "; only the first would load, and the tasks of the other would be missing."
              + " Keep one build of each module on the class path; modules that share an index name must be"
              + " rebuilt with this Celeriac processor, which names indexes after their declaring types, or"
              + " be given distinct -Aceleriac.index names");
        }
      }
    }
  }

  /** The class-path root a service file was found in: the jar or directory, as a code source names it. */
  private static String rootOf(URL file) {
    String url = file.toString();
    String root = url.substring(0, url.length() - SERVICE_FILE.length());
    if (root.startsWith("jar:") && root.endsWith("!/")) {
      return root.substring("jar:".length(), root.length() - "!/".length());
    }
    return root;
  }

  /** The class names a service file lists, read as {@link ServiceLoader} reads them. */
  private static List<String> providerNames(URL file) {
    List<String> names = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(file.openStream(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        int comment = line.indexOf('#');
        String name = (comment < 0 ? line : line.substring(0, comment)).strip();
        if (!name.isEmpty()) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
    return names;
  }

  private static String describe(TaskIndex index) {
    Class<?> type = index.getClass();
    CodeSource source = type.getProtectionDomain().getCodeSource();
    URL location = source == null ? null : source.getLocation();
    return type.getName() + (location == null ? "" : " in " + location);
  }
}
