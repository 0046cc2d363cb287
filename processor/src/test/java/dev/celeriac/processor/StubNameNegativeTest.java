package dev.celeriac.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.celeriac.processor.Compilations.acme;
import static dev.celeriac.processor.Compilations.compile;
import static dev.celeriac.processor.Compilations.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Stub class names must be unique in a package. */
class StubNameNegativeTest {

  @Test
  void sameMethodNameInTwoClassesOfOnePackage() {
    JavaFileObject first = acme("First",
        "public class First {",
        "  @Task(name = \"acme.first\")",
        "  public static void doWork(@Extras Map<String, Object> extras) {}",
        "}");
    JavaFileObject second = acme("Second",
        "public class Second {",
        "  @Task(name = \"acme.second\")",
        "  public static void doWork(@Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(first, second);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.STUB_NAME_CLASH.tag()).inFile(second)
        .onLineContaining("void doWork");
    assertThat(compilation).hadErrorContaining("com.acme.First#doWork");
  }

  @Test
  void twoOverloadsAreNamedWithTheirParameterTypes() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.work_by_id\")",
        "  public static void doWork(long id, @Extras Map<String, Object> extras) {}",
        "",
        "  @Task(name = \"acme.work_by_key\")",
        "  public static void doWork(String key, List<Integer> sizes, @Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.STUB_NAME_CLASH.format("com.acme.DoWorkTask",
        "com.acme.Tasks#doWork(String, List<Integer>, Map<String, Object>)",
        "the stub of @Task method com.acme.Tasks#doWork(long, Map<String, Object>)"))
        .inFile(f).onLineContaining("void doWork(String key");
  }

  @Test
  void clashWithAnExistingType() {
    JavaFileObject existing = acme("DoWorkTask", "public class DoWorkTask {}");
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.work\")",
        "  public static void doWork(@Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(existing, f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.STUB_NAME_CLASH.tag()).inFile(f)
        .onLineContaining("void doWork");
    assertThat(compilation).hadErrorContaining("the existing class com.acme.DoWorkTask");
  }

  @Test
  void sameMethodNameInTwoPackagesIsFine() {
    JavaFileObject first = source("com.acme.one.Tasks",
        "package com.acme.one;",
        "import dev.celeriac.*;",
        "import java.util.Map;",
        "public class Tasks {",
        "  @Task(name = \"acme.one\")",
        "  public static void doWork(@Extras Map<String, Object> extras) {}",
        "}");
    JavaFileObject second = source("com.acme.two.Tasks",
        "package com.acme.two;",
        "import dev.celeriac.*;",
        "import java.util.Map;",
        "public class Tasks {",
        "  @Task(name = \"acme.two\")",
        "  public static void doWork(@Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(first, second);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("com.acme.one.DoWorkTask");
    assertThat(compilation).generatedSourceFile("com.acme.two.DoWorkTask");
  }
}
