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

/** The shape of a task method and of the type that declares it. */
class MethodNegativeTest {

  private static Compilation compileOne(JavaFileObject f, Message expected, String line) {
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(expected.tag()).inFile(f).onLineContaining(line);
    return compilation;
  }

  @Test
  void privateMethod() {
    compileOne(acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.run\")",
        "  private static void run(@Extras Map<String, Object> extras) {}",
        "}"), Message.PRIVATE_METHOD, "void run");
  }

  @Test
  void genericMethod() {
    compileOne(acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.run\")",
        "  public static <T> void run(@Extras Map<String, Object> extras) {}",
        "}"), Message.GENERIC_METHOD, "void run");
  }

  @Test
  void resultOfAnotherTypeSaysWhatAResultMayBe() {
    Compilation compilation = compileOne(acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.run\")",
        "  public static java.util.Date run(@Extras Map<String, Object> extras) { return null; }",
        "}"), Message.UNSUPPORTED_RESULT, "java.util.Date run");
    assertThat(compilation).hadErrorContaining("must be void, a primitive, a box, String, an enum");
  }

  @Test
  void mapResultMustHoldObjects() {
    Compilation compilation = compileOne(acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.run\")",
        "  public static Map<String, Integer> run(@Extras Map<String, Object> extras) { return null; }",
        "}"), Message.UNSUPPORTED_RESULT, "Map<String, Integer> run");
    assertThat(compilation).hadErrorContaining("Map<String, Object>");
  }

  @Test
  void instanceMethodOfAbstractClass() {
    compileOne(acme("Tasks",
        "public abstract class Tasks {",
        "  @Task(name = \"acme.run\")",
        "  public void run(@Extras Map<String, Object> extras) {}",
        "}"), Message.NO_INSTANCE, "void run");
  }

  @Test
  void instanceMethodOfClassWithoutNoArgumentConstructorNamesBothFixes() {
    Compilation compilation = compileOne(acme("Tasks",
        "public class Tasks {",
        "  public Tasks(String config) {}",
        "  @Task(name = \"acme.run\")",
        "  public void run(@Extras Map<String, Object> extras) {}",
        "}"), Message.NO_INSTANCE, "void run");
    assertThat(compilation).hadErrorContaining("class com.acme.Tasks has no non-private no-argument constructor"
        + " and no annotation saying a dependency-injection container creates it");
    assertThat(compilation).hadErrorContaining("give the class a non-private no-argument constructor");
    assertThat(compilation).hadErrorContaining("@Inject or @Autowired on its constructor");
    assertThat(compilation).hadErrorContaining("InstanceProvider");
  }

  @Test
  void instanceMethodOfClassWithPrivateConstructor() {
    compileOne(acme("Tasks",
        "public class Tasks {",
        "  private Tasks() {}",
        "  @Task(name = \"acme.run\")",
        "  public void run(@Extras Map<String, Object> extras) {}",
        "}"), Message.NO_INSTANCE, "void run");
  }

  @Test
  void defaultMethodOfInterface() {
    compileOne(acme("Tasks",
        "public interface Tasks {",
        "  @Task(name = \"acme.run\")",
        "  default void run(@Extras Map<String, Object> extras) {}",
        "}"), Message.NO_INSTANCE, "void run");
  }

  @Test
  void methodOfPrivateNestedClass() {
    compileOne(acme("Tasks",
        "public class Tasks {",
        "  private static class Hidden {",
        "    @Task(name = \"acme.run\")",
        "    static void run(@Extras Map<String, Object> extras) {}",
        "  }",
        "}"), Message.INACCESSIBLE_CLASS, "void run");
  }

  @Test
  void methodOfInnerClass() {
    compileOne(acme("Tasks",
        "public class Tasks {",
        "  public class Inner {",
        "    @Task(name = \"acme.run\")",
        "    public void run(@Extras Map<String, Object> extras) {}",
        "  }",
        "}"), Message.INACCESSIBLE_CLASS, "void run");
  }

  @Test
  void methodOfStaticNestedClassInsidePrivateClass() {
    compileOne(acme("Tasks",
        "public class Tasks {",
        "  private static class Outer {",
        "    static class Nested {",
        "      @Task(name = \"acme.run\")",
        "      static void run(@Extras Map<String, Object> extras) {}",
        "    }",
        "  }",
        "}"), Message.INACCESSIBLE_CLASS, "void run");
  }

  @Test
  void everyProblemOfOneMethodIsReportedAndNothingIsGeneratedForIt() {
    JavaFileObject event = acme("Event", "public class Event {}");
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"bad name\", maxRetries = -1)",
        "  private static <T> Object broken(",
        "      Event event,",
        "      @Default(\"ten\") int limit) { return 0; }",
        "",
        "  @Task(name = \"acme.fine\")",
        "  public static void fine(@Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(event, f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(8);
    assertThat(compilation).hadErrorContaining(Message.INVALID_NAME.tag()).inFile(f).onLineContaining("bad name");
    assertThat(compilation).hadErrorContaining(Message.NEGATIVE_SETTING.tag()).inFile(f).onLineContaining("bad name");
    assertThat(compilation).hadErrorContaining(Message.PRIVATE_METHOD.tag()).inFile(f).onLineContaining("broken(");
    assertThat(compilation).hadErrorContaining(Message.GENERIC_METHOD.tag()).inFile(f).onLineContaining("broken(");
    assertThat(compilation).hadErrorContaining(Message.UNSUPPORTED_RESULT.tag()).inFile(f).onLineContaining("broken(");
    assertThat(compilation).hadErrorContaining(Message.MISSING_EXTRAS.tag()).inFile(f).onLineContaining("broken(");
    assertThat(compilation).hadErrorContaining(Message.UNSUPPORTED_PARAMETER.tag()).inFile(f)
        .onLineContaining("Event event");
    assertThat(compilation).hadErrorContaining(Message.BAD_DEFAULT.tag()).inFile(f).onLineContaining("\"ten\"");
    // The clean task still gets its stub; the broken one gets nothing; no index while the build fails.
    assertEquals(Set.of("com/acme/FineTask.java"), generatedPaths(event, f));
  }
}
