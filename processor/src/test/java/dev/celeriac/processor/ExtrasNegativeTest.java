package dev.celeriac.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.celeriac.processor.Compilations.acme;
import static dev.celeriac.processor.Compilations.compile;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** The {@code @Extras Map<String, Object>} parameter every task takes, once and last. */
class ExtrasNegativeTest {

  @Test
  void missingExtrasIsReportedOnTheMethodWithWhatToAdd() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.save\")",
        "  public static void save(long id) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.MISSING_EXTRAS.tag()).inFile(f).onLineContaining("void save");
    assertThat(compilation).hadErrorContaining("Add '@Extras Map<String, Object> extras' as the last parameter");
  }

  @Test
  void secondExtras() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.save\")",
        "  public static void save(",
        "      @Extras Map<String, Object> first,",
        "      @Extras Map<String, Object> second) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(2);
    assertThat(compilation).hadErrorContaining(Message.DUPLICATE_EXTRAS.tag()).inFile(f).onLineContaining("second");
    assertThat(compilation).hadErrorContaining(Message.EXTRAS_NOT_LAST.tag()).inFile(f).onLineContaining("first");
  }

  @Test
  void extrasOfAnotherType() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.save\")",
        "  public static void save(@Extras Map<String, String> extras) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.EXTRAS_TYPE.tag()).inFile(f).onLineContaining("extras)");
  }

  @Test
  void extrasNotLast() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.save\")",
        "  public static void save(",
        "      @Extras Map<String, Object> extras,",
        "      long id) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.EXTRAS_NOT_LAST.tag()).inFile(f).onLineContaining("extras,");
  }

  @Test
  void kwargAndDefaultOnExtrasAreMisplaced() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.save\")",
        "  public static void save(",
        "      @Kwarg(\"rest\") @Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.MISPLACED_ANNOTATION.tag()).inFile(f)
        .onLineContaining("@Kwarg(\"rest\")");
  }
}
