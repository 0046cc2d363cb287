package dev.celeriac.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.celeriac.processor.Compilations.acme;
import static dev.celeriac.processor.Compilations.compile;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Celeriac annotations where they have no effect. */
class MisplacedNegativeTest {

  @Test
  void periodicWithoutTask() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Periodic(cron = \"@daily\")",
        "  public static void tick(@Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    // @Extras on the same method is just as misplaced.
    assertThat(compilation).hadErrorCount(2);
    assertThat(compilation).hadErrorContaining(Message.MISPLACED_ANNOTATION.tag()).inFile(f)
        .onLineContaining("@Periodic");
    assertThat(compilation).hadErrorContaining(Message.MISPLACED_ANNOTATION.tag()).inFile(f)
        .onLineContaining("@Extras");
  }

  @Test
  void parameterAnnotationsOnAMethodWithoutTask() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  public static void plain(",
        "      @Kwarg(\"id\") long id,",
        "      @Default(\"3\") int limit) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(2);
    assertThat(compilation).hadErrorContaining(Message.MISPLACED_ANNOTATION.tag()).inFile(f)
        .onLineContaining("@Kwarg");
    assertThat(compilation).hadErrorContaining(Message.MISPLACED_ANNOTATION.tag()).inFile(f)
        .onLineContaining("@Default");
  }

  @Test
  void defaultOnAConstructorParameter() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  public Tasks(@Default(\"3\") int limit) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.MISPLACED_ANNOTATION.tag()).inFile(f)
        .onLineContaining("@Default");
  }
}
