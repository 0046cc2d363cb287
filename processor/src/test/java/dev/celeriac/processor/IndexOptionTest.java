package dev.celeriac.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.celeriac.processor.Compilations.compile;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code celeriac.index} option names the index class. */
class IndexOptionTest {

  @Test
  void optionNamesTheIndexAndItsRegistration() {
    Compilation compilation = compile(List.of("-Aceleriac.index=com.acme.AcmeTaskIndex"), Compilations.fixtures());
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("com.acme.AcmeTaskIndex");
    assertEquals("com.acme.AcmeTaskIndex\n",
        GoldenFilesTest.generated(compilation).get("META-INF/services/dev.celeriac.internal.TaskIndex"));
  }

  @Test
  void optionThatIsNotAClassNameFails() {
    Compilation compilation = compile(List.of("-Aceleriac.index=com.acme.not a name"), Compilations.fixtures());
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.INVALID_OPTION.tag());
  }
}
