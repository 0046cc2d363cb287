package dev.celeriac.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.celeriac.processor.Compilations.acme;
import static dev.celeriac.processor.Compilations.compile;
import static dev.celeriac.processor.Compilations.generatedPaths;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import java.util.Set;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** The {@code @Task} elements: name, queue, retry and timing settings. */
class NameNegativeTest {

  @Test
  void blankName() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"\")",
        "  public static void run(@Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.INVALID_NAME.tag()).inFile(f).onLineContaining("name = \"\"");
    assertEquals(Set.of(), generatedPaths(f));
  }

  @Test
  void malformedName() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"save event\")",
        "  public static void run(@Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.INVALID_NAME.tag()).inFile(f).onLineContaining("save event");
  }

  @Test
  void nameLongerThan200Characters() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"" + "a".repeat(201) + "\")",
        "  public static void run(@Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("201 characters").inFile(f).onLineContaining("aaaa");
    assertThat(compilation).hadErrorContaining(Message.INVALID_NAME.tag()).inFile(f).onLineContaining("aaaa");
  }

  @Test
  void nameUsedTwiceIsReportedOnTheLaterOneNamingTheOther() {
    JavaFileObject first = acme("First",
        "public class First {",
        "  @Task(name = \"acme.run\")",
        "  public static void one(@Extras Map<String, Object> extras) {}",
        "}");
    JavaFileObject second = acme("Second",
        "public class Second {",
        "  @Task(name = \"acme.run\")",
        "  public static void two(@Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(first, second);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.DUPLICATE_NAME.tag()).inFile(second)
        .onLineContaining("acme.run");
    assertThat(compilation).hadErrorContaining("com.acme.First#one");
  }

  @Test
  void missingNameIsLeftToJavac() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(queue = \"q\")",
        "  public static void run(@Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("name").inFile(f).onLineContaining("@Task(queue");
    assertEquals(Set.of(), generatedPaths(f));
  }

  @Test
  void blankQueue() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.run\",",
        "      queue = \" \")",
        "  public static void run(@Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.INVALID_QUEUE.tag()).inFile(f).onLineContaining("queue =");
  }

  @Test
  void queueWithWhitespace() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.run\",",
        "      queue = \"high priority\")",
        "  public static void run(@Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.INVALID_QUEUE.tag()).inFile(f)
        .onLineContaining("high priority");
  }

  @Test
  void negativeSettingsAreEachReportedOnTheirValue() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.run\",",
        "      maxRetries = -1,",
        "      defaultRetryDelaySeconds = -2,",
        "      timeLimitSeconds = -3,",
        "      expiresSeconds = -4)",
        "  public static void run(@Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(4);
    for (String line : new String[] {"maxRetries", "defaultRetryDelaySeconds", "timeLimitSeconds", "expires"}) {
      assertThat(compilation).hadErrorContaining(Message.NEGATIVE_SETTING.tag()).inFile(f).onLineContaining(line);
    }
  }

  @Test
  void privateExceptionInRetryOn() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  private static class Oops extends RuntimeException {}",
        "  @Task(name = \"acme.run\",",
        "      retryOn = Oops.class)",
        "  public static void run(@Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.INACCESSIBLE_CLASS.tag()).inFile(f)
        .onLineContaining("retryOn = Oops.class");
  }

  @Test
  void typeNamedByBothRetryOnAndDontRetryOn() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.run\",",
        "      retryOn = {java.io.IOException.class, IllegalStateException.class},",
        "      dontRetryOn = {IllegalArgumentException.class, IllegalStateException.class})",
        "  public static void run(@Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.INVALID_OPTION.tag()).inFile(f)
        .onLineContaining("dontRetryOn = ");
    assertThat(compilation).hadErrorContaining("@Task dontRetryOn java.lang.IllegalStateException, also in retryOn,"
        + " is not allowed");
    assertEquals(Set.of(), generatedPaths(f));
  }

  @Test
  void dontRetryOnASubtypeOfARetryOnTypeIsFine() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.run\", retryOn = java.io.IOException.class,",
        "      dontRetryOn = java.io.FileNotFoundException.class)",
        "  public static void run(@Extras Map<String, Object> extras) {}",
        "}");
    assertThat(compile(f)).succeededWithoutWarnings();
  }
}
