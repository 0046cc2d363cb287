package dev.celeriac.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.celeriac.processor.Compilations.acme;
import static dev.celeriac.processor.Compilations.compile;
import static dev.celeriac.processor.Compilations.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parameter types: only small, primitive values travel in a message. */
class ParameterNegativeTest {

  @Test
  void objectParameterSaysWhyAndWhatToDo() {
    JavaFileObject event = acme("Event", "public class Event {}");
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.save\")",
        "  public static void save(Event event, @Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(event, f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.UNSUPPORTED_PARAMETER.tag()).inFile(f)
        .onLineContaining("Event event");
    assertThat(compilation).hadErrorContaining(
        "@Task methods may only take primitives, boxes, String, enums or List of those; parameter 'event' is"
            + " com.acme.Event. Arguments travel in the message: pass its id and load it in the task.");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "long[] ids        | Use a List instead of an array.",
      "List ids          | Give the List an element type",
      "List<?> ids       | A List's element type must be",
      "List<List<Long>> ids | A List's element type must be",
      "Map<String, Object> ids | Only the @Extras parameter may be a Map",
      "Object ids        | pass its id",
      "Optional<Long> ids | pass its id",
  })
  void unsupportedTypes(String declaration, String hint) {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.save\")",
        "  public static void save(" + declaration + ", @Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.UNSUPPORTED_PARAMETER.tag()).inFile(f)
        .onLineContaining(declaration);
    assertThat(compilation).hadErrorContaining(hint);
  }

  @Test
  void privateEnumCannotBeNamedByTheStub() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  private enum Mode { FAST }",
        "  @Task(name = \"acme.save\")",
        "  public static void save(Mode mode, @Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.INACCESSIBLE_CLASS.tag()).inFile(f)
        .onLineContaining("Mode mode");
  }

  @Test
  void protectedEnumOfAnotherPackageCannotBeNamedByTheStub() {
    JavaFileObject base = source("com.other.Base",
        "package com.other;",
        "public class Base {",
        "  protected enum Color { RED }",
        "}");
    JavaFileObject f = acme("Tasks",
        "public class Tasks extends com.other.Base {",
        "  @Task(name = \"acme.paint\")",
        "  public static void paint(Color color, @Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(base, f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.INACCESSIBLE_CLASS.tag()).inFile(f)
        .onLineContaining("Color color");
    assertThat(compilation).hadErrorContaining("com.other.Base.Color is not public and belongs to another package");
  }

  @Test
  void aParameterNamedMapDoesNotBreakTheStub() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.shadow\")",
        "  public static void shadow(String Map, Long Collections, @Extras java.util.Map<String, Object> extras) {}",
        "}");
    assertThat(compile(f)).succeeded();
  }

  @Test
  void erroneousTypeIsLeftToJavac() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.save\")",
        "  public static void save(Missing thing, @Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("cannot find symbol").inFile(f).onLineContaining("Missing thing");
  }

  @Test
  void erroneousRetryOnIsLeftToJavac() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.save\", retryOn = MissingException.class)",
        "  public static void save(@Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("cannot find symbol").inFile(f).onLineContaining("MissingException");
  }
}
