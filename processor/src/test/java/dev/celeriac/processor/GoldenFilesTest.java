package dev.celeriac.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Compares what the processor generates for the fixture task set (src/test/resources/fixtures) with the
 * golden files under src/test/resources/expected, byte for byte: stubs, index, service file, tasks.json.
 *
 * <p>To regenerate the golden files after an intended change, run from the repository root
 * {@code mvn -o -pl processor test -Dtest=GoldenFilesTest -Dceleriac.updateGolden=true} and review the diff.
 */
class GoldenFilesTest {

  private static final Path EXPECTED = Path.of("src/test/resources/expected");
  private static final String UPDATE_SWITCH = "celeriac.updateGolden";

  @Test
  void generatedFilesMatchTheGoldenFiles() throws IOException {
    Compilation compilation = Compilations.compile(Compilations.fixtures());
    assertThat(compilation).succeededWithoutWarnings();
    Map<String, String> generated = generated(compilation);

    if (Boolean.getBoolean(UPDATE_SWITCH)) {
      update(generated);
    }
    assertEquals(expected().keySet(), generated.keySet(), "the set of generated files");
    for (Map.Entry<String, String> file : generated.entrySet()) {
      assertEquals(expected().get(file.getKey()), file.getValue(), file.getKey()
          + " differs from its golden file; rerun with -D" + UPDATE_SWITCH + "=true if the change is intended");
    }
  }

  /** Generated sources and resources by path relative to their output root; class files left out. */
  static Map<String, String> generated(Compilation compilation) {
    Map<String, String> files = new TreeMap<>();
    for (JavaFileObject file : compilation.generatedFiles()) {
      String name = file.toUri().getPath();
      if (name.endsWith(".class")) {
        continue;
      }
      String relative = name.replaceFirst("^/(SOURCE_OUTPUT|CLASS_OUTPUT)/", "");
      try (InputStream in = file.openInputStream()) {
        files.put(relative, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return files;
  }

  private static Map<String, String> expected() throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(EXPECTED)) {
      for (Path path : paths.filter(Files::isRegularFile).toList()) {
        files.put(EXPECTED.relativize(path).toString().replace('\\', '/'), Files.readString(path));
      }
    }
    return files;
  }

  private static void update(Map<String, String> generated) throws IOException {
    if (Files.exists(EXPECTED)) {
      try (Stream<Path> paths = Files.walk(EXPECTED)) {
        for (Path path : paths.filter(Files::isRegularFile).toList()) {
          Files.delete(path);
        }
      }
    }
    for (Map.Entry<String, String> file : generated.entrySet()) {
      Path target = EXPECTED.resolve(file.getKey());
      Files.createDirectories(target.getParent());
      Files.writeString(target, file.getValue());
    }
  }
}
