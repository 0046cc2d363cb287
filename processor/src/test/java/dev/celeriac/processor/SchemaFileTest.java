package dev.celeriac.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.celeriac.processor.Compilations.acme;
import static dev.celeriac.processor.Compilations.compile;
import static dev.celeriac.processor.Schemas.next;
import static dev.celeriac.processor.Schemas.release;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.celeriac.processor.model.TaskRecord;
import dev.celeriac.processor.validation.SchemaReader;
import dev.celeriac.processor.writing.TasksJsonWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Finding, reading and updating the committed task schema. */
class SchemaFileTest {

  private static final Path GOLDEN_TASKS_JSON = Path.of("src/test/resources/expected/META-INF/celeriac/tasks.json");

  private static JavaFileObject task(String parameters) {
    return acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.run\")",
        "  public static void run(" + parameters + (parameters.isEmpty() ? "" : ", "),
        "      @Extras Map<String, Object> extras) {}",
        "}");
  }

  @Test
  void updateWritesTasksJson() throws Exception {
    Path schema = Files.createTempDirectory("celeriac-schema").resolve("new/dir/tasks-schema.json");
    Compilation compilation = compile(List.of("-Aceleriac.schema=" + schema, "-Aceleriac.updateSchema=true"),
        Compilations.fixtures());
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).hadNoteContaining(Message.SCHEMA_UPDATED.tag());
    assertThat(compilation).hadNoteContaining("7 tasks, 0 of them retired");
    assertEquals(Files.readString(GOLDEN_TASKS_JSON), Files.readString(schema));
    assertEquals(GoldenFilesTest.generated(compilation).get(TasksJsonWriter.PATH), Files.readString(schema));
  }

  @Test
  void updateMarksRemovedTasksRetiredAndKeepsThem() throws Exception {
    Path schema = release(acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.run\") public static void run(long id, @Extras Map<String, Object> extras) {}",
        "  @Task(name = \"acme.old\") public static void old(String note, @Extras Map<String, Object> extras) {}",
        "}"));
    List<String> update = List.of("-Aceleriac.schema=" + schema, "-Aceleriac.updateSchema=true");
    Compilation compilation = compile(update, task("long id, @Default(\"false\") boolean reprocess"));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).hadNoteContaining("2 tasks, 1 of them retired");

    List<TaskRecord> records = SchemaReader.read(Files.readString(schema));
    assertEquals(List.of("acme.old", "acme.run"), records.stream().map(TaskRecord::name).toList());
    assertTrue(records.get(0).retired());
    assertEquals("com.acme.Tasks#old", records.get(0).method());
    assertEquals("note", records.get(0).parameters().get(0).keyword());
    assertFalse(records.get(1).retired());
    assertEquals(2, records.get(1).parameters().size());
    assertTrue(Files.readString(schema).contains("      \"name\": \"acme.old\",\n      \"retired\": true,\n"));

    // A second update changes nothing: the file is stable.
    String first = Files.readString(schema);
    compile(update, task("long id, @Default(\"false\") boolean reprocess"));
    assertEquals(first, Files.readString(schema));
    // And the release it records passes its own check.
    assertThat(next(schema, task("long id, @Default(\"false\") boolean reprocess"))).succeededWithoutWarnings();
  }

  @Test
  void updateDoesNotCheck() {
    Path schema = release(task("long id"));
    Compilation compilation = compile(List.of("-Aceleriac.schema=" + schema, "-Aceleriac.updateSchema=true"),
        task("int id"));
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void schemaRoundTripsThroughReaderAndWriter() throws Exception {
    String golden = Files.readString(GOLDEN_TASKS_JSON);
    assertEquals(golden, TasksJsonWriter.writeRecords(SchemaReader.read(golden)));
    String retired = golden.replace("\"name\": \"billing.charge_card\",\n",
        "\"name\": \"billing.charge_card\",\n      \"retired\": true,\n");
    assertEquals(retired, TasksJsonWriter.writeRecords(SchemaReader.read(retired)));
  }

  @Test
  void missingSchemaNamedByTheOptionIsAnError() throws Exception {
    Path schema = Files.createTempDirectory("celeriac-schema").resolve("tasks-schema.json");
    JavaFileObject f = task("long id");
    Compilation compilation = next(schema, f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.BAD_SCHEMA.tag()).inFile(f)
        .onLineContaining("public static void run(");
    assertThat(compilation).hadErrorContaining("the file does not exist");
    assertFalse(Files.exists(schema));
  }

  @Test
  void withoutOptionOrSourceTreeTheCheckCannotRunAndThatIsAnError() {
    Compilation compilation = Compilations.compileAsGiven(List.of(), task("long id"));
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.SCHEMA_UNREACHABLE.tag());
    assertThat(compilation).hadErrorContaining("option -Aceleriac.schema is not set and the task sources are not"
        + " under a src/main/java directory");
    assertThat(compilation).hadErrorContaining("or turn the check off with -Aceleriac.schema=none");
    assertNull(compilation.errors().get(0).getSource());
  }

  @Test
  void schemaNoneTurnsTheCheckOffButCannotBeUpdated() {
    assertThat(Compilations.compileAsGiven(List.of("-Aceleriac.schema=none"), task("long id")))
        .succeededWithoutWarnings();
    Compilation update = Compilations.compileAsGiven(
        List.of("-Aceleriac.schema=none", "-Aceleriac.updateSchema=true"), task("long id"));
    assertThat(update).failed();
    assertThat(update).hadErrorCount(1);
    assertThat(update).hadErrorContaining(Message.NO_SCHEMA_PATH.tag());
    assertThat(update).hadErrorContaining("option -Aceleriac.schema=none turns the schema off");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "`{\"version\": 1, \"tasks\": [}`                  | it is not JSON: expected a value, found '}' at line 1, column 26",
      "`{\"version\": 1,\n \"tasks\": []`                | it is not JSON: the document ends too early at line 2, column 13",
      "`[]`                                              | the document is not a JSON object",
      "`{\"version\": 2, \"tasks\": []}`                 | its \"version\" is 2; this processor reads version 1",
      "`{\"version\": 1}`                                | the document has no \"tasks\"",
      "`{\"version\": 1, \"tasks\": [{\"name\": \"a\"}]}` | tasks[0] (\"a\") has no \"method\"",
      "`{\"version\": 1, \"tasks\": [], \"tasks\": []}`  | member \"tasks\" appears twice",
  })
  void malformedSchemaIsAnErrorOnTheFirstTask(String content, String reason) {
    Path schema = Schemas.write(content);
    JavaFileObject f = task("long id");
    Compilation compilation = next(schema, f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.BAD_SCHEMA.tag()).inFile(f)
        .onLineContaining("public static void run(");
    assertThat(compilation).hadErrorContaining(reason);
  }

  @Test
  void unknownParameterTypeIsABadSchema() throws Exception {
    Path schema = release(task("long id"));
    Files.writeString(schema, Files.readString(schema).replace("\"type\": \"long\"", "\"type\": \"java.util.Date\""));
    JavaFileObject f = task("long id");
    Compilation compilation = next(schema, f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.BAD_SCHEMA.tag()).inFile(f)
        .onLineContaining("public static void run(");
    assertThat(compilation).hadErrorContaining("tasks[0] (\"acme.run\").parameters[0]: \"java.util.Date\" is not a"
        + " task parameter type (an enum needs its \"enumConstants\")");
  }

  @Test
  void updateOptionThatIsNotABooleanFails() {
    Compilation compilation = compile(List.of("-Aceleriac.updateSchema=yes"), task("long id"));
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.INVALID_OPTION.tag());
    assertThat(compilation).hadErrorContaining("-Aceleriac.updateSchema=yes is not true or false");
  }

  @Test
  void updateWithoutAnywhereToWriteFails() {
    Compilation compilation = Compilations.compileAsGiven(List.of("-Aceleriac.updateSchema=true"), task("long id"));
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.NO_SCHEMA_PATH.tag());
    assertThat(compilation).hadErrorContaining("option -Aceleriac.schema is not set and the task sources are not"
        + " under a src/main/java directory");
    // It is about the compilation's options, not about one element: javac prints it without a file or line.
    assertNull(compilation.errors().get(0).getSource());
  }

  /** A Maven-style project on disk: the schema is found beside src/main/java without any option. */
  @Test
  void defaultSchemaLivesInSrcMainResources() throws Exception {
    Path project = Files.createTempDirectory("celeriac-project");
    Path source = project.resolve("src/main/java/com/acme/Tasks.java");
    Path schema = project.resolve("src/main/resources/celeriac/tasks-schema.json");
    Files.createDirectories(source.getParent());
    String before = String.join("\n",
        "package com.acme;",
        "import dev.celeriac.*;",
        "import java.util.*;",
        "public class Tasks {",
        "  @Task(name = \"acme.run\")",
        "  public static void run(long id, @Extras Map<String, Object> extras) {}",
        "}");
    Files.writeString(source, before);
    Compilation update = Compilations.compileAsGiven(List.of("-Aceleriac.updateSchema=true"), fileObject(source));
    assertThat(update).succeededWithoutWarnings();
    assertTrue(Files.exists(schema), "update writes src/main/resources/celeriac/tasks-schema.json");
    assertEquals(GoldenFilesTest.generated(update).get(TasksJsonWriter.PATH), Files.readString(schema));

    Files.writeString(source, before.replace("long id,", "long id, long userId,"));
    JavaFileObject changed = fileObject(source);
    Compilation check = Compilations.compileAsGiven(List.of(), changed);
    assertThat(check).failed();
    assertThat(check).hadErrorContaining(Message.NEW_REQUIRED_PARAMETER.tag()).inFile(changed)
        .onLineContaining("long userId");
    assertThat(check).hadErrorContaining("src/main/resources/celeriac/tasks-schema.json".replace('/',
        java.io.File.separatorChar));
  }

  private static JavaFileObject fileObject(Path path) throws Exception {
    return JavaFileObjects.forResource(path.toUri().toURL());
  }
}
