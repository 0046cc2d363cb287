package dev.celeriac.sample;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.celeriac.processor.CeleriacProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The rolling-deploy example of docs/tasks.md, on the sample's own sources and its committed task schema
 * ({@code src/main/resources/celeriac/tasks-schema.json}): adding a required argument to a task in one step
 * fails the build; the first of the two safe steps, the argument with a default, compiles.
 */
class RollingDeployTest {

  private static final Path SOURCES = Path.of("src/main/java");
  private static final Path SCHEMA = Path.of("src/main/resources/celeriac/tasks-schema.json");
  private static final String EVENT_TASKS = "dev/celeriac/sample/EventTasks.java";
  private static final String CACHE_KEY = "@Kwarg(\"cache_key\") String cacheKey,";

  @Test
  void theSampleAsItIsMatchesItsSchema() throws IOException {
    Compilation compilation = compile(CACHE_KEY);
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void aNewRequiredArgumentInOneStepFailsTheBuildOnThatParameter() throws IOException {
    String oneStep = CACHE_KEY + " @Kwarg(\"organization_id\") long organizationId,";
    Compilation compilation = compile(oneStep);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("[Celeriac:NewRequiredParameter] Parameter 'organizationId' of task"
        + " \"sample.tasks.store.save_event\" is required").inFile(eventTasks(oneStep))
        .onLineContaining("organization_id");
    assertThat(compilation).hadErrorContaining("lack keyword \"organization_id\"");
  }

  @Test
  void theFirstSafeStepAnArgumentWithADefaultCompiles() throws IOException {
    Compilation compilation = compile(CACHE_KEY + " @Kwarg(\"organization_id\") @Default(\"0\") long organizationId,");
    assertThat(compilation).succeededWithoutWarnings();
  }

  /**
   * The sample's task sources, the save_event parameter line replaced, checked against the committed schema. The
   * rest of the sample, its producers among them, comes compiled from the class path: this checks the tasks, not
   * their callers.
   */
  private static Compilation compile(String cacheKeyLine) throws IOException {
    assertTrue(Files.isRegularFile(SCHEMA), "the sample carries its task schema at " + SCHEMA);
    List<JavaFileObject> sources = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(path -> path.toString().endsWith(".java")).sorted().toList()) {
        String relative = SOURCES.relativize(file).toString().replace('\\', '/');
        String source = Files.readString(file);
        if (relative.equals(EVENT_TASKS)) {
          sources.add(eventTasks(cacheKeyLine));
        } else if (source.contains("@Task(")) {
          sources.add(JavaFileObjects.forSourceString(className(relative), source));
        }
      }
    }
    return javac()
        .withProcessors(new CeleriacProcessor())
        .withOptions("-Aceleriac.schema=" + SCHEMA.toAbsolutePath())
        .compile(sources);
  }

  private static JavaFileObject eventTasks(String cacheKeyLine) throws IOException {
    String source = Files.readString(SOURCES.resolve(EVENT_TASKS));
    assertTrue(source.contains(CACHE_KEY), EVENT_TASKS + " declares " + CACHE_KEY);
    String changed = source.replace(CACHE_KEY, cacheKeyLine)
        .replace("import dev.celeriac.Extras;", "import dev.celeriac.Default;\nimport dev.celeriac.Extras;");
    return JavaFileObjects.forSourceString(className(EVENT_TASKS), changed);
  }

  private static String className(String relativePath) {
    return relativePath.substring(0, relativePath.length() - ".java".length()).replace('/', '.');
  }
}
