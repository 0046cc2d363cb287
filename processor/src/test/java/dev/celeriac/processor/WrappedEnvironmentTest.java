package dev.celeriac.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.celeriac.processor.Compilations.acme;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import com.sun.source.util.Trees;
import dev.celeriac.processor.writing.IndexWriter;
import dev.celeriac.processor.writing.TasksJsonWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The processor inside a processing environment that is not javac's own, as Gradle's incremental annotation
 * processing gives one (Gradle is not on this machine, so a wrapper of the same shape stands in): it has no tree
 * API, so the schema is found only through {@code -Aceleriac.schema}, and without the option the check reports that
 * it cannot run instead of skipping it. Sources are real files under {@code src/main/java}, where javac's own
 * environment would find the schema: only the wrapper makes the difference.
 */
class WrappedEnvironmentTest {

  private static final String BEFORE = String.join("\n",
      "package com.acme;",
      "import dev.celeriac.*;",
      "import java.util.*;",
      "public class Tasks {",
      "  @Task(name = \"acme.run\")",
      "  public static void run(long id, @Extras Map<String, Object> extras) {}",
      "}");

  @Test
  void theWrapperHasNoTreeApi() {
    // What Gradle's wrapper does to javac's API, and what the processor must live with.
    Compilation compilation = javac().withProcessors(new Wrapping(new AbstractProcessor() {
      @Override
      public Set<String> getSupportedAnnotationTypes() {
        return Set.of("*");
      }

      @Override
      public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        assertThrows(IllegalArgumentException.class, () -> Trees.instance(processingEnv));
        return false;
      }
    })).compile(acme("Empty", "class Empty {}"));
    assertThat(compilation).succeeded();
  }

  @Test
  void withoutTheOptionTheCheckCannotRunAndSaysHowToFixIt() throws Exception {
    Project project = Project.create();
    project.writeSchema();
    Compilation compilation = compile(List.of(), project.source(BEFORE));
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.SCHEMA_UNREACHABLE.tag());
    assertThat(compilation).hadErrorContaining("option -Aceleriac.schema is not set and this compiler's processing"
        + " environment (" + Environment.class.getName() + ") does not tell where the task sources are");
    assertThat(compilation).hadErrorContaining("Name the committed schema with -Aceleriac.schema=<file>");
    assertThat(compilation).hadErrorContaining("or turn the check off with -Aceleriac.schema=none");
    assertNull(compilation.errors().get(0).getSource());
  }

  @Test
  void withTheOptionTheCheckRuns() throws Exception {
    Project project = Project.create();
    project.writeSchema();
    JavaFileObject changed = project.source(BEFORE.replace("long id,", "long id, long userId,"));
    Compilation compilation = compile(List.of("-Aceleriac.schema=" + project.schema), changed);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.NEW_REQUIRED_PARAMETER.tag()).inFile(changed)
        .onLineContaining("long userId");

    assertThat(compile(List.of("-Aceleriac.schema=" + project.schema), project.source(BEFORE)))
        .succeededWithoutWarnings();
  }

  @Test
  void withTheOptionTheSchemaIsUpdated() throws Exception {
    Project project = Project.create();
    Compilation compilation = compile(List.of("-Aceleriac.schema=" + project.schema, "-Aceleriac.updateSchema=true"),
        project.source(BEFORE));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).hadNoteContaining(Message.SCHEMA_UPDATED.tag());
    assertEquals(GoldenFilesTest.generated(compilation).get(TasksJsonWriter.PATH), Files.readString(project.schema));
  }

  @Test
  void schemaNoneTurnsTheCheckOff() throws Exception {
    Project project = Project.create();
    project.writeSchema();
    Compilation compilation = compile(List.of("-Aceleriac.schema=none"),
        project.source(BEFORE.replace("long id,", "long id, long userId,")));
    assertThat(compilation).succeededWithoutWarnings();
    assertTrue(generated(compilation).contains(IndexWriter.SERVICE_FILE));
  }

  private static Compilation compile(List<String> options, JavaFileObject... sources) {
    return javac().withProcessors(new Wrapping(new CeleriacProcessor())).withOptions(options).compile(sources);
  }

  private static Set<String> generated(Compilation compilation) {
    return GoldenFilesTest.generated(compilation).keySet();
  }

  /** A Maven- or Gradle-style project on disk. */
  private record Project(Path root, Path schema) {
    static Project create() throws Exception {
      Path root = Files.createTempDirectory("celeriac-project");
      return new Project(root, root.resolve("src/main/resources/celeriac/tasks-schema.json"));
    }

    /** Writes {@code content} as src/main/java/com/acme/Tasks.java. */
    JavaFileObject source(String content) throws Exception {
      Path source = root.resolve("src/main/java/com/acme/Tasks.java");
      Files.createDirectories(source.getParent());
      Files.writeString(source, content);
      return JavaFileObjects.forResource(source.toUri().toURL());
    }

    /** The schema of {@link #BEFORE}, written by javac's own environment, which finds it without an option. */
    void writeSchema() throws Exception {
      Compilation update = Compilations.compileAsGiven(List.of("-Aceleriac.updateSchema=true"), source(BEFORE));
      assertThat(update).succeededWithoutWarnings();
      assertTrue(Files.exists(schema));
    }
  }

  /** Runs {@code processor} in an {@link Environment} around javac's, as Gradle does. */
  private static final class Wrapping extends AbstractProcessor {
    private final javax.annotation.processing.Processor processor;

    Wrapping(javax.annotation.processing.Processor processor) {
      this.processor = processor;
    }

    @Override
    public synchronized void init(ProcessingEnvironment environment) {
      super.init(environment);
      processor.init(new Environment(environment));
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return processor.getSupportedAnnotationTypes();
    }

    @Override
    public Set<String> getSupportedOptions() {
      return processor.getSupportedOptions();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    // A wrapper as build tools put around a processor passes on the wrapped one's answer (Celeriac's claims nothing).
    @SuppressWarnings("DoNotClaimAnnotations")
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      return processor.process(annotations, round);
    }
  }

  /**
   * A processing environment that delegates everything to javac's, as Gradle's
   * {@code IncrementalProcessingEnvironment} does (it also wraps the {@link Filer}, to record what each file
   * originates from): not javac's own class, so javac's tree API refuses it.
   */
  private record Environment(ProcessingEnvironment delegate) implements ProcessingEnvironment {
    @Override
    public Map<String, String> getOptions() {
      return delegate.getOptions();
    }

    @Override
    public Messager getMessager() {
      return delegate.getMessager();
    }

    @Override
    public Filer getFiler() {
      return delegate.getFiler();
    }

    @Override
    public Elements getElementUtils() {
      return delegate.getElementUtils();
    }

    @Override
    public Types getTypeUtils() {
      return delegate.getTypeUtils();
    }

    @Override
    public SourceVersion getSourceVersion() {
      return delegate.getSourceVersion();
    }

    @Override
    public Locale getLocale() {
      return delegate.getLocale();
    }
  }
}
