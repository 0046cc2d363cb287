package dev.celeriac.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.celeriac.processor.Compilations.acme;
import static dev.celeriac.processor.Compilations.compile;
import static dev.celeriac.processor.Compilations.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** The processor never crashes, and its output depends only on its input. */
class RobustnessTest {

  /** Odd but legal shapes, mistakes and broken code, all in one compilation. */
  private static List<JavaFileObject> zoo() {
    List<JavaFileObject> sources = new ArrayList<>(List.of(Compilations.fixtures()));
    sources.add(acme("Zoo",
        "public class Zoo {",
        "  static final String NAME = \"zoo.constant\";",
        "  @Task(name = NAME) public static void constantName(@Extras Map<String, Object> extras) {}",
        "  @Task(name = UNKNOWN) public static void unknownConstant(@Extras Map<String, Object> extras) {}",
        "  @Task(name = \"zoo.varargs\") public static void varargs(long... ids) {}",
        "  @Task(name = \"zoo.clash\") public static void clash(",
        "      long kwargs, String arguments, int NAME, @Default(\"[\\\"x\\\"]\") List<Character> with,",
        "      @Extras Map<String, Object> extras) {}",
        "  @Task(name = \"zoo.missing\") public static void missing(Nope nope, @Extras Map<String, Object> e) {}",
        "  @Task(name = \"zoo.generic\") public static <T extends List<T>> void generic(T t) {}",
        "  @Task(name = \"zoo.wildcard\") public static void wildcard(List<? extends Number> n) {}",
        "  @Task(name = \"zoo.map\") public static void map(@Extras Map<?, ?> m) {}",
        "  @Task(name = \"zoo.raw\") public static void raw(@Extras Map m) {}",
        "  void local() {",
        "    class Local {",
        "      @Task(name = \"zoo.local\") void run(@Extras Map<String, Object> extras) {}",
        "    }",
        "    new Object() {",
        "      @Task(name = \"zoo.anonymous\") void run(@Extras Map<String, Object> extras) {}",
        "    };",
        "  }",
        "  enum Mode { A; @Task(name = \"zoo.enum\") void run(@Extras Map<String, Object> extras) {} }",
        "  record Point(int x) {",
        "    @Task(name = \"zoo.record\") public void run(@Extras Map<String, Object> extras) {}",
        "  }",
        "  @Task(name = \"zoo.char\") static void chars(@Default(\"\\u0000\") char c, @Default(\"\\\\\") char b,",
        "      @Extras Map<String, Object> extras) {}",
        "  @Task(name = \"zoo.neg\") static void neg(@Default(\"-9223372036854775808\") long min,",
        "      @Default(\"-2147483648\") int minInt, @Default(\"-0.0\") double zero, @Default(\"1e-45\") float tiny,",
        "      @Extras Map<String, Object> extras) {}",
        "}"));
    sources.add(source("Unpackaged",
        "import dev.celeriac.*;",
        "import java.util.Map;",
        "public class Unpackaged {",
        "  @Task(name = \"zoo.unpackaged\") public static void unpackaged(@Extras Map<String, Object> e) {}",
        "}"));
    sources.add(acme("Broken",
        "public class Broken extends MissingBase {",
        "  @Task(name = \"zoo.broken\", retryOn = {MissingException.class}) public void run(",
        "      @Default(MISSING) int x, @Kwarg() long y, @Extras Map<String, Object> extras) {}",
        "  @Periodic public static void noCron() {}",
        "}"));
    return sources;
  }

  @Test
  void neverReportsAnInternalErrorOrThrows() {
    Compilation compilation = compile(zoo().toArray(JavaFileObject[]::new));
    assertThat(compilation).failed();
    for (Diagnostic<? extends JavaFileObject> diagnostic : compilation.diagnostics()) {
      String message = diagnostic.getMessage(Locale.ROOT);
      assertFalse(message.contains(Message.INTERNAL_ERROR.tag()), message);
    }
  }

  @Test
  void outputIsByteIdenticalAcrossCompilationsAndInputOrders() {
    List<JavaFileObject> sources = new ArrayList<>(List.of(Compilations.fixtures()));
    Compilation first = compile(sources.toArray(JavaFileObject[]::new));
    Collections.reverse(sources);
    Compilation second = compile(sources.toArray(JavaFileObject[]::new));
    assertEquals(GoldenFilesTest.generated(first), GoldenFilesTest.generated(second));
  }

  @Test
  void messagerIsOnlyCalledFromDiagnostics() throws IOException {
    Path main = Path.of("src/main/java");
    try (Stream<Path> files = Files.walk(main)) {
      List<String> callers = new ArrayList<>();
      for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
        if (Files.readString(file).contains("printMessage(")) {
          callers.add(file.getFileName().toString());
        }
      }
      assertEquals(List.of("Diagnostics.java"), callers);
    }
  }

  @Test
  void everyTagIsUniqueAndBracketed() {
    List<String> tags = Stream.of(Message.values()).map(Message::tag).toList();
    assertEquals(tags.size(), tags.stream().distinct().count());
    assertTrue(tags.stream().allMatch(tag -> tag.matches("\\[Celeriac:[A-Z][A-Za-z]+]")));
  }
}
