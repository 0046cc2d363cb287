package dev.celeriac.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.celeriac.processor.Compilations.acme;
import static dev.celeriac.processor.Compilations.compile;

import com.google.testing.compile.Compilation;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Classes that implement an abstract {@code @Task} method: they are not worker entries. */
class ImplementationNegativeTest {

  private static final JavaFileObject API = acme("SymbolicationApi",
      "public interface SymbolicationApi {",
      "  @Task(name = \"acme.symbolicate\")",
      "  void symbolicate(long eventId, @Extras Map<String, Object> extras);",
      "}");

  private static final JavaFileObject IMPLEMENTATION = acme("Symbolicator",
      "public class Symbolicator implements SymbolicationApi {",
      "  @Override",
      "  public void symbolicate(long eventId, Map<String, Object> extras) {}",
      "}");

  @TempDir
  Path dir;

  @Test
  void implementationInTheSameCompilationIsAWarningOnItsMethod() {
    Compilation compilation = compile(API, IMPLEMENTATION);
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningCount(1);
    assertThat(compilation).hadWarningContaining(Message.NOT_A_WORKER_ENTRY.format(
        "com.acme.Symbolicator#symbolicate", "com.acme.SymbolicationApi#symbolicate", "acme.symbolicate",
        "com.acme.SymbolicationApi#symbolicate"))
        .inFile(IMPLEMENTATION).onLineContaining("public void symbolicate");
  }

  @Test
  void implementationOfAnInterfaceOnTheClassPathIsAWarningToo() throws IOException {
    Compilation api = javac().compile(API);
    assertThat(api).succeeded();
    for (JavaFileObject file : api.generatedFiles()) {
      if (file.getKind() == JavaFileObject.Kind.CLASS) {
        Path target = dir.resolve(file.toUri().getPath().replaceFirst("^/CLASS_OUTPUT/", ""));
        Files.createDirectories(target.getParent());
        try (InputStream in = file.openInputStream()) {
          Files.copy(in, target);
        }
      }
    }
    // javac runs the processor only for compilations that use a Celeriac annotation: this one has a task too.
    JavaFileObject other = acme("Other",
        "public class Other {",
        "  @Task(name = \"acme.other\")",
        "  public static void other(@Extras Map<String, Object> extras) {}",
        "}");
    List<File> classPath = new ArrayList<>();
    classPath.add(dir.toFile());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator, -1)) {
      if (!entry.isEmpty()) { // Surefire's class path ends with a separator
        classPath.add(new File(entry));
      }
    }
    Compilation compilation = javac().withProcessors(new CeleriacProcessor()).withClasspath(classPath)
        .withOptions(List.of(Compilations.NO_SCHEMA))
        .compile(IMPLEMENTATION, other);
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningCount(1);
    assertThat(compilation).hadWarningContaining(Message.NOT_A_WORKER_ENTRY.tag())
        .inFile(IMPLEMENTATION).onLineContaining("public void symbolicate");
  }

  @Test
  void implementationWithATaskOfItsOwnIsAWorkerEntry() {
    // In a package of its own: its stub, SymbolicateTask too, would clash with the interface's.
    JavaFileObject implementation = Compilations.source("com.acme.java.Symbolicator",
        "package com.acme.java;",
        "import dev.celeriac.*;",
        "import java.util.Map;",
        "public class Symbolicator implements com.acme.SymbolicationApi {",
        "  @Override",
        "  @Task(name = \"acme.symbolicate_in_java\")",
        "  public void symbolicate(long eventId, @Extras Map<String, Object> extras) {}",
        "}");
    assertThat(compile(API, implementation)).succeededWithoutWarnings();
  }

  @Test
  void abstractSubclassThatDoesNotImplementTheMethodIsFine() {
    JavaFileObject partial = acme("BaseSymbolicator",
        "public abstract class BaseSymbolicator implements SymbolicationApi {",
        "  public void unrelated() {}",
        "}");
    assertThat(compile(API, partial)).succeededWithoutWarnings();
  }
}
