package dev.celeriac.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.celeriac.processor.Compilations.acme;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * A {@code @Task} method that another processor generates, so that it arrives in a round after the first index was
 * written: it gets an index of its own, and the registration lists both.
 */
class LateTaskTest {

  private static final JavaFileObject TASKS = acme("Tasks",
      "public class Tasks {",
      "  @Task(name = \"acme.run\") public static void run(long id, @Extras Map<String, Object> extras) {}",
      "}");

  /**
   * Generates {@code com.acme.late.LateTasks}, a valid task source, in the round whose root elements include
   * the type named by {@code trigger}, so that the task arrives in a chosen round.
   */
  private static final class TaskGenerator extends AbstractProcessor {
    private final String trigger;
    private JavaFileObject generated;

    TaskGenerator(String trigger) {
      this.trigger = trigger;
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      if (generated != null) {
        return false;
      }
      for (Element root : round.getRootElements()) {
        if (root instanceof TypeElement type && type.getQualifiedName().contentEquals(trigger)) {
          write();
        }
      }
      return false;
    }

    private void write() {
      String source = String.join("\n",
          "package com.acme.late;",
          "import dev.celeriac.*;",
          "import java.util.Map;",
          "public class LateTasks {",
          "  @Task(name = \"acme.late\")",
          "  public static void late(long id, @Extras Map<String, Object> extras) {}",
          "}",
          "");
      try {
        JavaFileObject file = processingEnv.getFiler().createSourceFile("com.acme.late.LateTasks");
        try (Writer writer = file.openWriter()) {
          writer.write(source);
        }
        // javac's handle on a generated file cannot be read back; compile-testing matches files by URI.
        generated = new SimpleJavaFileObject(file.toUri(), JavaFileObject.Kind.SOURCE) {
          @Override
          public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return source;
          }

          @Override
          public InputStream openInputStream() {
            return new ByteArrayInputStream(source.getBytes(StandardCharsets.UTF_8));
          }
        };
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static Compilation compile(TaskGenerator generator) {
    return javac().withProcessors(new CeleriacProcessor(), generator)
        .withOptions(List.of("-Aceleriac.index=com.acme.AcmeTaskIndex", Compilations.NO_SCHEMA))
        .compile(TASKS);
  }

  @Test
  void taskGeneratedAfterTheIndexGetsAnIndexOfItsOwn() {
    // Round 1 finds acme.run and writes its stub and the index; the generator sees the index in round 2 and writes
    // LateTasks, whose task arrives in round 3 and is indexed there, with its stub.
    TaskGenerator generator = new TaskGenerator("com.acme.AcmeTaskIndex");
    assertIndexedSeparately(compile(generator));
  }

  @Test
  void taskGeneratedWithTheFirstStubsGetsAnIndexOfItsOwn() {
    // The generator answers the hand-written source: LateTasks arrives in round 2, after round 1 wrote the first
    // stub and its index.
    TaskGenerator generator = new TaskGenerator("com.acme.Tasks");
    assertIndexedSeparately(compile(generator));
  }

  @Test
  void tasksOfOneRoundShareOneIndex() {
    Compilation compilation = javac().withProcessors(new CeleriacProcessor())
        .withOptions(List.of("-Aceleriac.index=com.acme.AcmeTaskIndex", Compilations.NO_SCHEMA))
        .compile(TASKS);
    assertThat(compilation).succeededWithoutWarnings();
    assertEquals("com.acme.AcmeTaskIndex\n",
        GoldenFilesTest.generated(compilation).get("META-INF/services/dev.celeriac.internal.TaskIndex"));
  }

  private static void assertIndexedSeparately(Compilation compilation) {
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("com.acme.late.LateTask");
    assertThat(compilation).generatedSourceFile("com.acme.AcmeTaskIndex").contentsAsUtf8String()
        .doesNotContain("LateTask");
    Map<String, String> generated = GoldenFilesTest.generated(compilation);
    List<String> registered = List.of(generated.get("META-INF/services/dev.celeriac.internal.TaskIndex").split("\n"));
    assertEquals(2, registered.size(), registered.toString());
    assertEquals("com.acme.AcmeTaskIndex", registered.get(0));
    assertTrue(registered.get(1).matches("com\\.acme\\.late\\.CeleriacTaskIndex_[0-9a-f]{8}"), registered.get(1));
    assertThat(compilation).generatedSourceFile(registered.get(1)).contentsAsUtf8String()
        .contains("LateTask.DEFINITION");
    assertTrue(generated.get("META-INF/celeriac/tasks.json").contains("acme.late"));
  }
}
