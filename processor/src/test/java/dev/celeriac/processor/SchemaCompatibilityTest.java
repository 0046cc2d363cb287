package dev.celeriac.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.celeriac.processor.Compilations.acme;
import static dev.celeriac.processor.Schemas.next;
import static dev.celeriac.processor.Schemas.release;

import com.google.testing.compile.Compilation;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Changes that every message of the previous release survives: they compile clean against its schema. */
class SchemaCompatibilityTest {

  private static final JavaFileObject COLOR = acme("Color", "public enum Color { RED, GREEN }");

  private static JavaFileObject task(String parameters) {
    return acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.run\")",
        "  public static void run(" + parameters + (parameters.isEmpty() ? "" : ", "),
        "      @Extras Map<String, Object> extras) {}",
        "}");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // The seed's first step: a new argument ships with a safe default.
      "long projectId           | long projectId, @Default(\"false\") boolean reprocess",
      "long projectId           | long projectId, String note, Long maybe, List<Long> ids, Color color",
      "''                       | @Default(\"[]\") List<String> tags",
      // Gaining nullability, and widening that every old value fits.
      "long id                  | Long id",
      "Long id                  | @Default(\"0\") long id",
      "int id                   | long id",
      "int id                   | Long id",
      "byte b                   | short b",
      "short s                  | double s",
      "float ratio              | double ratio",
      "char c                   | String c",
      "Color color              | String color",
      "List<Integer> ids        | List<Long> ids",
      "List<Color> colors       | List<String> colors",
      // A parameter made optional, or given another default.
      "int limit                | @Default(\"10\") int limit",
      "@Default(\"10\") int limit | @Default(\"20\") int limit",
      // What travels is the keyword: the Java name may change.
      "@Kwarg(\"project_id\") long projectId | @Kwarg(\"project_id\") long project",
      "long id                  | @Kwarg(\"id\") long identifier",
      // A new parameter at the end moves no positional argument.
      "long a, String b         | long a, String b, Long c",
  })
  void compatibleChangeCompilesClean(String before, String after) {
    Path schema = release(COLOR, task(before));
    Compilation compilation = next(schema, COLOR, task(after));
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void addedEnumConstantIsCompatible() {
    Path schema = release(COLOR, task("Color color"));
    Compilation compilation = next(schema, acme("Color", "public enum Color { RED, GREEN, BLUE }"),
        task("Color color"));
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void enumMovedToAnotherClassWithTheSameConstantsIsCompatible() {
    Path schema = release(COLOR, task("Color color"));
    Compilation compilation = next(schema, acme("Shade", "public enum Shade { GREEN, RED }"), task("Shade color"));
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void newTaskIsCompatible() {
    Path schema = release(task("long id"));
    Compilation compilation = next(schema, acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.run\") public static void run(long id, @Extras Map<String, Object> extras) {}",
        "  @Task(name = \"acme.new\") public static void added(long id, @Extras Map<String, Object> extras) {}",
        "}"));
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void retiredTaskMayBeRemoved() throws Exception {
    Path schema = release(acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.run\") public static void run(@Extras Map<String, Object> extras) {}",
        "  @Task(name = \"acme.old\") public static void old(@Extras Map<String, Object> extras) {}",
        "}"));
    Files.writeString(schema, Files.readString(schema)
        .replace("\"name\": \"acme.old\",\n", "\"name\": \"acme.old\",\n      \"retired\": true,\n"));
    Compilation compilation = next(schema, task(""));
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void retiredTaskDeclaredAgainIsCheckedLikeAnyOther() throws Exception {
    Path schema = release(task("long id"));
    Files.writeString(schema, Files.readString(schema)
        .replace("\"name\": \"acme.run\",\n", "\"name\": \"acme.run\",\n      \"retired\": true,\n"));
    assertThat(next(schema, task("Long id"))).succeededWithoutWarnings();
    assertThat(next(schema, task("int id"))).hadErrorContaining(Message.INCOMPATIBLE_PARAMETER_TYPE.tag());
  }

  @Test
  void theFixtureTaskSetIsCompatibleWithItself() {
    Path schema = release(Compilations.fixtures());
    assertThat(next(schema, Compilations.fixtures())).succeededWithoutWarnings();
  }
}
