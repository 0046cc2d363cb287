package dev.celeriac.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaFileObject;

/** Committed task schemas for tests: made by the processor itself from the sources of a "previous release". */
final class Schemas {

  private Schemas() {}

  /** Records the tasks of {@code sources} in a new schema file, as the update command does after a release. */
  static Path release(JavaFileObject... sources) {
    try {
      Path schema = Files.createTempDirectory("celeriac-schema").resolve("tasks-schema.json");
      Compilation compilation = Compilations.compile(
          List.of("-Aceleriac.schema=" + schema, "-Aceleriac.updateSchema=true"), sources);
      assertThat(compilation).succeeded();
      return schema;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Compiles {@code sources}, the next release, checked against {@code schema}. */
  static Compilation next(Path schema, JavaFileObject... sources) {
    return Compilations.compile(List.of("-Aceleriac.schema=" + schema), sources);
  }

  /** A schema file with this content. */
  static Path write(String content) {
    try {
      Path schema = Files.createTempDirectory("celeriac-schema").resolve("tasks-schema.json");
      Files.writeString(schema, content);
      return schema;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
