package dev.celeriac.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.celeriac.processor.Compilations.acme;
import static dev.celeriac.processor.Compilations.compile;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code @Default} values parsed against their type, and {@code @Kwarg} keywords. */
class DefaultKwargNegativeTest {

  private static final JavaFileObject COLOR = acme("Color", "public enum Color { RED, GREEN }");

  private static JavaFileObject task(String parameter) {
    return acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.run\")",
        "  public static void run(",
        "      " + parameter + ",",
        "      @Extras Map<String, Object> extras) {}",
        "}");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "@Default(\"ten\") int limit                | not a decimal integer",
      "@Default(\"10L\") long limit               | not a decimal integer",
      "@Default(\"3000000000\") int limit         | out of range for int",
      "@Default(\"200\") byte limit               | out of range for byte",
      "@Default(\"+1\") Integer limit             | not a decimal integer",
      "@Default(\"yes\") boolean flag             | neither true nor false",
      "@Default(\"True\") Boolean flag            | neither true nor false",
      "@Default(\"NaN\") double ratio             | not a decimal number",
      "@Default(\"Infinity\") double ratio        | not a decimal number",
      "@Default(\"1.5d\") double ratio            | not a decimal number",
      "@Default(\"0x1p3\") float ratio            | not a decimal number",
      "@Default(\"1e39\") float ratio             | out of range for float",
      "@Default(\"ab\") char letter               | 2 characters, not one",
      "@Default(\"\") Character letter            | 0 characters, not one",
      "@Default(\"REDD\") Color color             | Did you mean RED?",
      "@Default(\"BLUE\") Color color             | Use one of RED, GREEN.",
      "@Default(\"1, 2\") List<Long> ids          | not a JSON array",
      "@Default(\"[1, \\\"2\\\"]\") List<Long> ids | element 2",
      "@Default(\"[1.5]\") List<Integer> ids      | element 1: it is not a decimal integer",
      "@Default(\"[RED]\") List<Color> colors     | not a JSON array",
      "@Default(\"[\\\"GREN\\\"]\") List<Color> colors | Did you mean GREEN?",
      "@Default(\"[null]\") List<String> names    | null is not allowed",
      "@Default(\"[1] x\") List<Long> ids         | unexpected text after the document",
  })
  void badDefault(String parameter, String reason) {
    JavaFileObject f = task(parameter);
    Compilation compilation = compile(COLOR, f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.BAD_DEFAULT.tag()).inFile(f).onLineContaining(parameter);
    assertThat(compilation).hadErrorContaining(reason);
  }

  @Test
  void invalidKwarg() {
    JavaFileObject f = task("@Kwarg(\"project-id\") long projectId");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.INVALID_KWARG.tag()).inFile(f).onLineContaining("project-id");
  }

  @Test
  void duplicateExplicitKwargIsReportedOnTheSecond() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.run\")",
        "  public static void run(",
        "      @Kwarg(\"id\") long first,",
        "      @Kwarg(\"id\") long second,",
        "      @Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.DUPLICATE_KWARG.tag()).inFile(f).onLineContaining("second");
  }

  @Test
  void kwargCollidingWithAnotherParametersJavaName() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.run\")",
        "  public static void run(",
        "      long limit,",
        "      @Kwarg(\"limit\") long cap,",
        "      @Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.DUPLICATE_KWARG.tag()).inFile(f).onLineContaining("long cap");
  }

  @Test
  void pythonKeywordAsKwargOfATaskImplementedElsewhereIsAWarningOnTheKwarg() {
    JavaFileObject f = acme("RemoteMail",
        "public interface RemoteMail {",
        "  @Task(name = \"mail.send\")",
        "  void send(",
        "      @Kwarg(\"from\") String sender,",
        "      @Kwarg(\"to\") String recipient,",
        "      @Kwarg(\"match\") String softKeywordsAreFine,",
        "      @Extras Map<String, Object> extras);",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningCount(1);
    assertThat(compilation).hadWarningContaining(Message.PYTHON_KEYWORD.tag()).inFile(f)
        .onLineContaining("@Kwarg(\"from\")");
    assertThat(compilation).generatedSourceFile("com.acme.SendTask");
  }

  @Test
  void pythonKeywordAsAJavaParameterNameOfATaskImplementedElsewhereIsAWarningOnTheParameter() {
    JavaFileObject f = acme("RemoteMail",
        "public interface RemoteMail {",
        "  @Task(name = \"mail.send\")",
        "  void send(",
        "      String from,",
        "      @Extras Map<String, Object> extras);",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningCount(1);
    assertThat(compilation).hadWarningContaining(Message.PYTHON_KEYWORD.tag()).inFile(f)
        .onLineContaining("String from");
  }

  @Test
  void pythonKeywordAsKwargOfATaskImplementedHereIsFine() {
    // A Python producer can still send it (apply_async(kwargs={"from": ...})), and this worker declares it.
    JavaFileObject f = task("@Kwarg(\"from\") String sender");
    assertThat(compile(f)).succeededWithoutWarnings();
  }
}
