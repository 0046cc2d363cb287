package dev.celeriac.processor;

import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.celeriac.processor.model.TaskDescriptor;
import dev.celeriac.processor.model.TaskRecord;
import dev.celeriac.processor.validation.SchemaCompatibilityValidator;
import dev.celeriac.processor.validation.SchemaReader;
import dev.celeriac.processor.writing.TasksJsonWriter;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.ModuleElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * The committed task schema: the tasks.json of the previous release, kept in the source tree, that this
 * compilation's tasks are checked against so that a rolling deploy loses no queued message.
 *
 * <p>Where it is: the path in option {@code -Aceleriac.schema=<file>} (absolute, or relative to the directory
 * javac runs in; Maven users pass {@code ${project.basedir}/...}); without the option,
 * {@code src/main/resources/celeriac/tasks-schema.json} beside the {@code src/main/java} that holds the task
 * sources (for sources under {@code src/test/java}, {@code src/test/resources/...}), which javac's tree API tells.
 * A missing file there means there was no release yet: nothing is checked. {@code -Aceleriac.schema=none} turns the
 * check off.
 *
 * <p>When the default cannot be found, the check cannot run, and that is an error ({@code SchemaUnreachable}), never
 * a silent skip: the sources are not files under {@code src/<set>/java}, or the environment is not javac's own.
 * Gradle wraps it for incremental processing, and its rules forbid an incremental processor javac's tree API, so
 * the processor does not unwrap it: a Gradle build names the file with the option and declares it an input of
 * {@code compileJava}, which is also what lets Gradle recompile when the schema changes.
 *
 * <p>With {@code -Aceleriac.updateSchema=true} the schema is written instead of checked: this compilation's
 * tasks, plus every task of the old schema that is gone now, marked retired. That file belongs to the source tree,
 * not to the build's output, so it is written directly rather than through the {@code Filer}.
 */
final class CommittedSchema {

  /** The option naming the schema file. */
  static final String SCHEMA_OPTION = "celeriac.schema";
  /** The option that writes the schema instead of checking it. */
  static final String UPDATE_OPTION = "celeriac.updateSchema";
  /** The value of {@link #SCHEMA_OPTION} that turns the check off. */
  static final String NONE = "none";
  /** Where the schema is looked for without {@link #SCHEMA_OPTION}, relative to the source set ({@code src/main}). */
  static final String DEFAULT_PATH = "resources/celeriac/tasks-schema.json";

  private final ProcessingEnvironment environment;
  private final Diagnostics diagnostics;
  private final SchemaCompatibilityValidator validator;

  CommittedSchema(ProcessingEnvironment environment, Diagnostics diagnostics) {
    this.environment = environment;
    this.diagnostics = diagnostics;
    this.validator = new SchemaCompatibilityValidator(diagnostics);
  }

  /** Checks {@code tasks} against the schema, or writes it; {@code tasks} is this compilation's, at least one. */
  void process(List<TaskDescriptor> foundEarlier) {
    Map<String, String> options = environment.getOptions();
    Optional<Boolean> update = updateOption(options);
    if (update.isEmpty()) {
      return;
    }
    String option = options.get(SCHEMA_OPTION);
    if (NONE.equals(option)) {
      if (update.get()) {
        diagnostics.error(Message.NO_SCHEMA_PATH, null, "option -A" + SCHEMA_OPTION + "=none turns the schema off");
      }
      return;
    }
    Optional<Path> path;
    if (option != null && !option.isBlank()) {
      try {
        path = Optional.of(Path.of(option).toAbsolutePath());
      } catch (InvalidPathException e) {
        diagnostics.error(Message.INVALID_OPTION, null, "Option -A" + SCHEMA_OPTION + "=" + option, "a file path",
            e.getMessage());
        return;
      }
    } else {
      Optional<Trees> trees = trees();
      path = trees.flatMap(api -> defaultPath(api, foundEarlier));
      if (path.isEmpty()) {
        String reason = trees.isEmpty()
            ? "this compiler's processing environment (" + environment.getClass().getName() + ") does not tell where"
                + " the task sources are, as Gradle's incremental processing does not"
            : "the task sources are not under a src/main/java directory (nor under another source set's, such as"
                + " src/test/java)";
        // The check cannot run, or the update has nowhere to write: an error, never a silent skip.
        diagnostics.error(update.get() ? Message.NO_SCHEMA_PATH : Message.SCHEMA_UNREACHABLE, null,
            "option -A" + SCHEMA_OPTION + " is not set and " + reason);
        return;
      }
    }
    String name = displayName(path.get());
    if (!Files.exists(path.get()) && !update.get() && option == null) {
      // No release recorded yet: nothing to check.
      return;
    }
    List<TaskDescriptor> tasks = foundEarlier.stream().map(this::inThisRound).toList();
    List<TaskRecord> committed = List.of();
    if (Files.exists(path.get())) {
      try {
        committed = SchemaReader.read(Files.readString(path.get(), StandardCharsets.UTF_8));
      } catch (SchemaReader.SchemaException e) {
        diagnostics.error(Message.BAD_SCHEMA, tasks.get(0).method(), name, e.getMessage());
        return;
      } catch (IOException | RuntimeException e) {
        diagnostics.error(Message.BAD_SCHEMA, tasks.get(0).method(), name, e.toString());
        return;
      }
    } else if (!update.get()) {
      if (option != null) {
        // Named explicitly: a missing file is a mistake (a typo in the path would switch the check off).
        diagnostics.error(Message.BAD_SCHEMA, tasks.get(0).method(), name, "the file does not exist");
      }
      return;
    }
    if (update.get()) {
      write(path.get(), name, tasks, committed);
    } else {
      validator.check(committed, tasks, name);
    }
  }

  private void write(Path path, String name, List<TaskDescriptor> tasks, List<TaskRecord> committed) {
    List<TaskRecord> records = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (TaskDescriptor task : tasks) {
      records.add(TaskRecord.of(task));
      names.add(task.name());
    }
    int retired = 0;
    for (TaskRecord old : committed) {
      if (!names.contains(old.name())) {
        // The release being recorded shipped without it: its messages are dead-lettered from now on.
        records.add(old.retire());
        retired++;
      }
    }
    try {
      if (path.getParent() != null) {
        Files.createDirectories(path.getParent());
      }
      Files.writeString(path, TasksJsonWriter.writeRecords(records), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      diagnostics.error(Message.NO_SCHEMA_PATH, null, name + " cannot be written: " + e);
      return;
    }
    diagnostics.note(Message.SCHEMA_UPDATED, null, name, records.size(), retired);
  }

  /**
   * The task with this round's elements, so that diagnostics point into the source: javac replaces the elements
   * of source types between rounds, and the schema is handled in a round after the tasks were found.
   */
  private TaskDescriptor inThisRound(TaskDescriptor task) {
    Elements elements = environment.getElementUtils();
    ModuleElement module = elements.getModuleOf(task.declaringType());
    String typeName = task.declaringClass().canonicalName();
    TypeElement type = module == null ? elements.getTypeElement(typeName) : elements.getTypeElement(module, typeName);
    if (type == null) {
      return task;
    }
    return ElementFilter.methodsIn(type.getEnclosedElements()).stream()
        .filter(method -> method.getSimpleName().contentEquals(task.methodName()))
        .filter(CommittedSchema::isTask)
        .findFirst()
        .map(task::inRound)
        .orElse(task);
  }

  private static boolean isTask(ExecutableElement method) {
    return method.getAnnotationMirrors().stream().anyMatch(annotation ->
        ((TypeElement) annotation.getAnnotationType().asElement()).getQualifiedName().contentEquals(ClassNames.TASK));
  }

  /** The value of {@link #UPDATE_OPTION}; empty, after reporting, when it is neither true nor false. */
  private Optional<Boolean> updateOption(Map<String, String> options) {
    if (!options.containsKey(UPDATE_OPTION)) {
      return Optional.of(false);
    }
    String value = options.get(UPDATE_OPTION);
    // javac passes a bare -Aceleriac.updateSchema with a null value.
    if (value == null || value.equals("true")) {
      return Optional.of(true);
    }
    if (value.equals("false")) {
      return Optional.of(false);
    }
    diagnostics.error(Message.INVALID_OPTION, null, "Option -A" + UPDATE_OPTION + "=" + value, "true or false",
        "Use -A" + UPDATE_OPTION + "=true to write the task schema, or leave the option out to check against it.");
    return Optional.empty();
  }

  /**
   * javac's tree API, when this is javac's own processing environment; empty under a wrapped one (Gradle's
   * incremental processing) or another compiler.
   */
  private Optional<Trees> trees() {
    try {
      return Optional.of(Trees.instance(environment));
    } catch (IllegalArgumentException | LinkageError e) {
      return Optional.empty();
    }
  }

  /**
   * {@code src/main/resources/celeriac/tasks-schema.json} beside the {@code src/main/java} that holds a task's
   * source file ({@code src/test/resources/...} for {@code src/test/java}: any source set). The processor cannot see
   * the resource directories, so it finds them from the sources, which javac's tree API knows.
   */
  private static Optional<Path> defaultPath(Trees trees, List<TaskDescriptor> tasks) {
    for (TaskDescriptor task : tasks) {
      TreePath tree = trees.getPath(task.declaringType());
      if (tree == null) {
        continue;
      }
      URI uri = tree.getCompilationUnit().getSourceFile().toUri();
      if (!"file".equals(uri.getScheme())) {
        continue;
      }
      for (Path directory = Path.of(uri).getParent(); directory != null; directory = directory.getParent()) {
        Path sourceSet = directory.getParent();
        if (isNamed(directory, "java") && sourceSet != null && sourceSet.getFileName() != null
            && isNamed(sourceSet.getParent(), "src")) {
          return Optional.of(sourceSet.resolve(DEFAULT_PATH));
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isNamed(Path path, String name) {
    return path != null && path.getFileName() != null && path.getFileName().toString().equals(name);
  }

  /** The path relative to the working directory when it is below it, so that messages stay short. */
  private static String displayName(Path path) {
    Path workingDirectory = Path.of("").toAbsolutePath();
    return path.startsWith(workingDirectory) ? workingDirectory.relativize(path).toString() : path.toString();
  }
}
