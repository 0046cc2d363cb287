package dev.celeriac.it;

import dev.celeriac.processor.CeleriacProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Compiles a user module the way Maven would: its sources, the runtime on the class path, the Celeriac
 * processor running, classes and resources (the index's service file, tasks.json) written to a directory.
 */
final class ModuleCompiler {

  private ModuleCompiler() {}

  /** Compiles {@code sources} (path → text) into {@code output}; fails with javac's diagnostics on error. */
  static Path compile(Path output, Map<String, String> sources) {
    try {
      Path sourceRoot = Files.createDirectories(output.resolveSibling(output.getFileName() + "-src"));
      List<Path> files = new ArrayList<>();
      for (Map.Entry<String, String> source : sources.entrySet()) {
        Path file = sourceRoot.resolve(source.getKey());
        Files.createDirectories(file.getParent());
        Files.writeString(file, source.getValue(), StandardCharsets.UTF_8);
        files.add(file);
      }
      Files.createDirectories(output);
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
      try (StandardJavaFileManager fileManager = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
        fileManager.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(output));
        fileManager.setLocationFromPaths(StandardLocation.SOURCE_OUTPUT,
            List.of(Files.createDirectories(output.resolveSibling(output.getFileName() + "-generated"))));
        JavaCompiler.CompilationTask task = javac.getTask(null, fileManager, diagnostics,
            // These modules are not under src/main/java and have no release to check: say so, or the processor
            // reports that it cannot find their task schema.
            List.of("--release", "17", "-classpath", System.getProperty("java.class.path"), "-Aceleriac.schema=none"),
            null,
            fileManager.getJavaFileObjectsFromPaths(files));
        task.setProcessors(List.of(new CeleriacProcessor()));
        if (!task.call()) {
          throw new AssertionError("module did not compile:\n" + diagnostics.getDiagnostics().stream()
              .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
              .map(Object::toString).collect(Collectors.joining("\n")));
        }
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
