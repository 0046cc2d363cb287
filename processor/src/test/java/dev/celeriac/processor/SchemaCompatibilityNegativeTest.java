package dev.celeriac.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.celeriac.processor.Compilations.acme;
import static dev.celeriac.processor.Compilations.source;
import static dev.celeriac.processor.Schemas.next;
import static dev.celeriac.processor.Schemas.release;

import com.google.testing.compile.Compilation;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Changes that would dead-letter messages of the previous release during a rolling deploy: each fails the build
 * on the element that made it, checked against a committed schema of the old sources.
 */
class SchemaCompatibilityNegativeTest {

  private static final JavaFileObject COLOR = acme("Color", "public enum Color { RED, GREEN }");

  private static JavaFileObject task(String... parameters) {
    String[] lines = new String[parameters.length + 5];
    lines[0] = "public class Tasks {";
    lines[1] = "  @Task(name = \"acme.run\")";
    lines[2] = "  public static void run(";
    for (int i = 0; i < parameters.length; i++) {
      lines[3 + i] = "      " + parameters[i] + ",";
    }
    lines[parameters.length + 3] = "      @Extras Map<String, Object> extras) {}";
    lines[parameters.length + 4] = "}";
    return acme("Tasks", lines);
  }

  private static void assertOneError(Compilation compilation, Message message, JavaFileObject file, String line) {
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(message.tag()).inFile(file).onLineContaining(line);
  }

  @Test
  void newRequiredParameter() {
    Path schema = release(task("long projectId"));
    JavaFileObject f = task("long projectId", "long userId");
    Compilation compilation = next(schema, f);
    assertOneError(compilation, Message.NEW_REQUIRED_PARAMETER, f, "long userId");
    assertThat(compilation).hadErrorContaining("has no keyword \"userId\"");
    assertThat(compilation).hadErrorContaining("add @Default(\"...\") or use java.lang.Long");
  }

  @Test
  void optionalParameterMadeRequired() {
    Path schema = release(task("@Default(\"10\") int limit"));
    JavaFileObject f = task("int limit");
    Compilation compilation = next(schema, f);
    assertOneError(compilation, Message.NEW_REQUIRED_PARAMETER, f, "int limit");
    assertThat(compilation).hadErrorContaining("has it optional");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "long id           | int id           | a long value in a message does not always convert to int",
      "double ratio      | float ratio      | does not always convert to float",
      "Long id           | long id          | messages may carry null for java.lang.Long",
      "Integer id        | long id          | messages may carry null",
      "String id         | Color id         | a java.lang.String value in a message does not always convert",
      "String id         | long id          | does not always convert",
      "boolean flag      | String flag      | does not always convert",
      "long id           | List<Long> id    | a list and a single value do not convert into each other",
      "List<Long> ids    | Long ids         | a list and a single value",
      "List<Long> ids    | List<Integer> ids | list elements: a java.lang.Long value",
      "List<String> ids  | List<Color> ids  | list elements",
  })
  void incompatibleType(String before, String after, String reason) {
    Path schema = release(COLOR, task(before));
    JavaFileObject f = task(after);
    Compilation compilation = next(schema, COLOR, f);
    assertOneError(compilation, Message.INCOMPATIBLE_PARAMETER_TYPE, f, after);
    assertThat(compilation).hadErrorContaining(reason);
  }

  @Test
  void enumConstantRemoved() {
    Path schema = release(acme("Color", "public enum Color { RED, GREEN, BLUE }"), task("Color color"));
    JavaFileObject f = task("Color color");
    Compilation compilation = next(schema, COLOR, f);
    assertOneError(compilation, Message.INCOMPATIBLE_PARAMETER_TYPE, f, "Color color");
    assertThat(compilation).hadErrorContaining("messages may carry BLUE, which com.acme.Color no longer has");
  }

  @Test
  void enumConstantRemovedInAList() {
    Path schema = release(acme("Color", "public enum Color { RED, GREEN, BLUE }"), task("List<Color> colors"));
    JavaFileObject f = task("List<Color> colors");
    Compilation compilation = next(schema, COLOR, f);
    assertOneError(compilation, Message.INCOMPATIBLE_PARAMETER_TYPE, f, "List<Color> colors");
    assertThat(compilation).hadErrorContaining("list elements: messages may carry BLUE");
  }

  @Test
  void kwargChangedIsReportedOnTheKwarg() {
    Path schema = release(task("@Kwarg(\"project_id\") long projectId"));
    JavaFileObject f = task("@Kwarg(\"project\") long projectId");
    Compilation compilation = next(schema, f);
    assertOneError(compilation, Message.KWARG_CHANGED, f, "@Kwarg(\"project\")");
    assertThat(compilation).hadErrorContaining("carry \"project_id\", which would land in @Extras while"
        + " 'projectId' is missing");
    assertThat(compilation).hadErrorContaining("Keep @Kwarg(\"project_id\")");
  }

  @Test
  void kwargDroppedIsReportedOnTheParameter() {
    Path schema = release(task("@Kwarg(\"project_id\") String projectId"));
    JavaFileObject f = task("String projectId");
    Compilation compilation = next(schema, f);
    assertOneError(compilation, Message.KWARG_CHANGED, f, "String projectId");
    assertThat(compilation).hadErrorContaining("'projectId' is left null");
  }

  @Test
  void keywordAndJavaNameChangedIsARemovedAndANewParameter() {
    Path schema = release(task("@Kwarg(\"a\") long first"));
    JavaFileObject f = task("@Kwarg(\"b\") long second");
    Compilation compilation = next(schema, f);
    assertOneError(compilation, Message.NEW_REQUIRED_PARAMETER, f, "long second");
    assertThat(compilation).hadWarningContaining(Message.REMOVED_PARAMETER.tag()).inFile(f)
        .onLineContaining("public static void run(");
  }

  @Test
  void reorderedParametersAreOneWarningOnTheFirstThatMoved() {
    Path schema = release(task("long a", "String b", "String c"));
    JavaFileObject f = task("Long inserted", "long a", "String c", "String b");
    Compilation compilation = next(schema, f);
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningCount(1);
    assertThat(compilation).hadWarningContaining(Message.PARAMETER_MOVED.tag()).inFile(f)
        .onLineContaining("long a,");
    assertThat(compilation).hadWarningContaining("(\"a\" was argument 0, is 1; \"b\" was argument 1, is 3)");
  }

  @Test
  void removedParameterIsAWarningOnTheMethod() {
    Path schema = release(task("long id", "String note"));
    JavaFileObject f = task("long id");
    Compilation compilation = next(schema, f);
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningCount(1);
    assertThat(compilation).hadWarningContaining(Message.REMOVED_PARAMETER.tag()).inFile(f)
        .onLineContaining("public static void run(");
    assertThat(compilation).hadWarningContaining("no longer takes keyword \"note\"");
    assertThat(compilation).hadWarningContaining("it will land in @Extras 'extras'");
  }

  @Test
  void aTaskMovedToAnotherQueueIsAWarningOnTheMethod() {
    Path schema = release(acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.run\", queue = \"events\") public static void run(@Extras Map<String, Object> extras) {}",
        "}"));
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.run\", queue = \"events-v2\")",
        "  public static void run(@Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = next(schema, f);
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningCount(1);
    assertThat(compilation).hadWarningContaining(Message.QUEUE_CHANGED.tag()).inFile(f)
        .onLineContaining("public static void run(");
    assertThat(compilation).hadWarningContaining("moves from queue \"events\"");
    assertThat(compilation).hadWarningContaining("Keep \"events\" among the workers' queues");
  }

  @Test
  void removedTaskIsReportedOnItsClass() {
    JavaFileObject before = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.first\") public static void first(@Extras Map<String, Object> extras) {}",
        "  @Task(name = \"acme.second\") public static void second(@Extras Map<String, Object> extras) {}",
        "}");
    Path schema = release(before);
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.first\") public static void first(@Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = next(schema, f);
    assertOneError(compilation, Message.TASK_REMOVED, f, "public class Tasks");
    assertThat(compilation).hadErrorContaining("Task \"acme.second\" (com.acme.Tasks#second)");
    assertThat(compilation).hadErrorContaining("mark its entry in the schema \"retired\": true");
  }

  @Test
  void removedTaskOfADeletedClassIsReportedOnATaskClassOfItsPackage() {
    JavaFileObject gone = acme("Gone",
        "public class Gone {",
        "  @Task(name = \"acme.gone\") public static void gone(@Extras Map<String, Object> extras) {}",
        "}");
    JavaFileObject elsewhere = source("org.other.Elsewhere",
        "package org.other;",
        "import dev.celeriac.*;",
        "import java.util.*;",
        "public class Elsewhere {",
        "  @Task(name = \"other.run\") public static void run(@Extras Map<String, Object> extras) {}",
        "}");
    JavaFileObject stays = acme("Stays",
        "public class Stays {",
        "  @Task(name = \"acme.stays\") public static void stays(@Extras Map<String, Object> extras) {}",
        "}");
    Path schema = release(elsewhere, gone, stays);
    Compilation compilation = next(schema, elsewhere, stays);
    assertOneError(compilation, Message.TASK_REMOVED, stays, "public class Stays");
  }

  @Test
  void renamedTaskIsReportedOnItsName() {
    Path schema = release(acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.old\") public static void run(@Extras Map<String, Object> extras) {}",
        "}"));
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(",
        "      name = \"acme.new\")",
        "  public static void run(@Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = next(schema, f);
    assertOneError(compilation, Message.TASK_REMOVED, f, "name = \"acme.new\"");
    assertThat(compilation).hadErrorContaining("com.acme.Tasks#run now declares \"acme.new\" instead");
  }

  @Test
  void everyProblemOfACompilationIsReported() {
    Path schema = release(acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.a\") public static void a(long id, @Extras Map<String, Object> extras) {}",
        "  @Task(name = \"acme.b\") public static void b(@Extras Map<String, Object> extras) {}",
        "}"));
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.a\") public static void a(int id, long more,",
        "      @Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = next(schema, f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(3);
    assertThat(compilation).hadErrorContaining(Message.INCOMPATIBLE_PARAMETER_TYPE.tag()).inFile(f)
        .onLineContaining("int id");
    assertThat(compilation).hadErrorContaining(Message.NEW_REQUIRED_PARAMETER.tag()).inFile(f)
        .onLineContaining("long more");
    assertThat(compilation).hadErrorContaining(Message.TASK_REMOVED.tag()).inFile(f)
        .onLineContaining("public class Tasks");
  }
}
