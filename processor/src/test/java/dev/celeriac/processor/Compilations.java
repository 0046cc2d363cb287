package dev.celeriac.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;

/** Compiles test sources with the Celeriac processor, against the real runtime on the test class path. */
final class Compilations {

  /** The representative task set under src/test/resources/fixtures. */
  static final List<String> FIXTURES = List.of(
      "com/acme/events/Color.java",
      "com/acme/events/EventTasks.java",
      "com/acme/billing/RemoteBilling.java",
      "com/acme/billing/Invoices.java");

  /**
   * Turns the schema check off. Test sources live in memory, where no schema can be found beside them, which is an
   * error ({@code SchemaUnreachable}) unless an option says where the schema is or that there is none.
   */
  static final String NO_SCHEMA = "-Aceleriac.schema=none";

  private Compilations() {}

  /** Compiles {@code sources} with {@link #NO_SCHEMA}. */
  static Compilation compile(JavaFileObject... sources) {
    return compile(List.of(), sources);
  }

  /** Compiles {@code sources} with {@code options}, plus {@link #NO_SCHEMA} unless they name a schema. */
  static Compilation compile(List<String> options, JavaFileObject... sources) {
    List<String> all = new ArrayList<>(options);
    if (options.stream().noneMatch(option -> option.startsWith("-Aceleriac.schema="))) {
      all.add(NO_SCHEMA);
    }
    return compileAsGiven(all, sources);
  }

  /** Compiles {@code sources} with exactly {@code options}. */
  static Compilation compileAsGiven(List<String> options, JavaFileObject... sources) {
    return javac().withProcessors(new CeleriacProcessor()).withOptions(options).compile(sources);
  }

  /**
   * A source file of package {@code com.acme} that imports the Celeriac annotations and java.util, from the
   * lines of its top-level type.
   */
  static JavaFileObject acme(String simpleName, String... typeLines) {
    String[] lines = new String[typeLines.length + 4];
    lines[0] = "package com.acme;";
    lines[1] = "import dev.celeriac.*;";
    lines[2] = "import java.util.*;";
    lines[3] = "";
    System.arraycopy(typeLines, 0, lines, 4, typeLines.length);
    return JavaFileObjects.forSourceLines("com.acme." + simpleName, lines);
  }

  /**
   * The paths of the files the processor generates for {@code sources}, relative to the output roots, even
   * when the compilation fails (compile-testing hides them then). Runs javac with {@code -proc:only}.
   */
  static Set<String> generatedPaths(JavaFileObject... sources) {
    try {
      Path out = Files.createTempDirectory("celeriac-generated");
      JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
      List<String> options = List.of("-proc:only", NO_SCHEMA, "-s", out.toString(), "-d", out.toString(),
          "-classpath", System.getProperty("java.class.path"));
      JavaCompiler.CompilationTask task = compiler.getTask(
          new StringWriter(), null, diagnostic -> { }, options, null, List.of(sources));
      task.setProcessors(List.of(new CeleriacProcessor()));
      task.call();
      try (Stream<Path> files = Files.walk(out)) {
        return files.filter(Files::isRegularFile).map(path -> out.relativize(path).toString().replace('\\', '/'))
            .collect(Collectors.toCollection(TreeSet::new));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A source file from lines, named by its type's qualified name. */
  static JavaFileObject source(String qualifiedName, String... lines) {
    return JavaFileObjects.forSourceLines(qualifiedName, lines);
  }

  static JavaFileObject[] fixtures() {
    return FIXTURES.stream().map(path -> JavaFileObjects.forResource("fixtures/" + path))
        .toArray(JavaFileObject[]::new);
  }
}
