package dev.celeriac.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.celeriac.processor.Compilations.compile;
import static dev.celeriac.processor.Compilations.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.celeriac.Parameter;
import dev.celeriac.Signature;
import dev.celeriac.TaskDefinition;
import dev.celeriac.ValueType;
import dev.celeriac.internal.TaskIndex;
import dev.celeriac.internal.TaskInstances;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** The generated code compiles cleanly against the runtime, and does what it says when loaded. */
class GeneratedCodeTest {

  private static final JavaFileObject CALLER = source("com.acme.app.Caller",
      "package com.acme.app;",
      "",
      "import com.acme.billing.ChargeCardTask;",
      "import com.acme.events.CleanupTask;",
      "import com.acme.events.Color;",
      "import com.acme.events.SaveEventTask;",
      "import dev.celeriac.Parameter;",
      "import dev.celeriac.Signature;",
      "import dev.celeriac.TaskRef;",
      "import java.time.Duration;",
      "import java.time.Instant;",
      "import java.util.List;",
      "import java.util.Map;",
      "",
      "public final class Caller {",
      "  public static void call() {",
      "    TaskRef<?> a = SaveEventTask.enqueue(1L, \"key\", 10, Color.RED, List.of(1L));",
      "    TaskRef<?> b = SaveEventTask.enqueue(1L, \"key\", 10, null, List.of(), Map.of(\"extra\", 1));",
      "    TaskRef<?> c = SaveEventTask.with().countdown(Duration.ofSeconds(5)).priority(3)",
      "        .enqueue(1L, \"key\", 10, Color.GREEN, List.of(2L));",
      "    TaskRef<?> d = ChargeCardTask.with().eta(Instant.EPOCH).queue(\"other\").expires(Duration.ofMinutes(1))",
      "        .enqueue(7L, List.of(\"item\"), Map.of());",
      "    TaskRef<?> e = CleanupTask.enqueue(true, (short) 1, (byte) 2, 3L, 4f, 5d, 'c', \"p\", Color.RED,",
      "        List.of(\"t\"), List.of(Color.GREEN), List.of(6), null);",
      "    // Overloads that leave out trailing optional parameters; nulls still pick one overload.",
      "    TaskRef<?> f = SaveEventTask.enqueue(1L);",
      "    TaskRef<?> g = SaveEventTask.enqueue(1L, null);",
      "    TaskRef<?> h = SaveEventTask.enqueue(1L, \"key\", 10, null);",
      "    TaskRef<?> i = SaveEventTask.enqueue(1L, null, 10, null, null);",
      "    TaskRef<?> j = SaveEventTask.enqueue(1L, null, 10, null, null, null);",
      "    TaskRef<?> k = SaveEventTask.with().queue(\"q\").enqueue(1L, \"key\", 10);",
      "    TaskRef<?> l = CleanupTask.enqueue();",
      "    TaskRef<?> m = CleanupTask.with().enqueue(false, (short) 1);",
      "    TaskRef<?> n = ChargeCardTask.enqueue(7L);",
      "    Signature<Void> o = SaveEventTask.signature(1L, \"key\", 10, Color.RED, List.of(1L));",
      "    Signature<Void> p = SaveEventTask.signature(\"key\", 10, null, null);",
      "    TaskRef<Void> q = SaveEventTask.with().link(p).linkError(o).enqueue(1L, \"key\");",
      "    List<Parameter> parameters = SaveEventTask.DEFINITION.parameters();",
      "    String name = SaveEventTask.NAME;",
      "  }",
      "}");

  /** Tasks whose parameter names collide with names the stub uses itself. */
  private static final JavaFileObject AWKWARD_NAMES = source("com.acme.odd.OddTasks",
      "package com.acme.odd;",
      "",
      "import dev.celeriac.*;",
      "import java.util.List;",
      "import java.util.Map;",
      "",
      "public class OddTasks {",
      "  public static final List<Object> CALLS = new java.util.ArrayList<>();",
      "  public static int INSTANCES;",
      "",
      "  public OddTasks() throws java.io.IOException {",
      "    INSTANCES++;",
      "  }",
      "",
      "  @Task(name = \"odd.names\")",
      "  public static void names(long kwargs, String arguments, int NAME, List<Character> with,",
      "      @Default(\"[\\\"x\\\"]\") List<Character> send, @Extras Map<String, Object> extras) {",
      "    CALLS.add(List.of(kwargs, arguments, NAME, with, send, extras));",
      "  }",
      "",
      "  @Task(name = \"odd.instance\")",
      "  public void onInstance(@Kwarg(\"n\") int count, @Extras Map<String, Object> keywordArguments) {",
      "    CALLS.add(List.of(this.getClass().getSimpleName(), count, keywordArguments));",
      "  }",
      "}");

  @Test
  void compilesWithoutWarningsUnderXlintAll() {
    List<JavaFileObject> sources = new ArrayList<>(List.of(Compilations.fixtures()));
    sources.add(CALLER);
    sources.add(AWKWARD_NAMES);
    Compilation compilation = compile(List.of("-Xlint:all"), sources.toArray(JavaFileObject[]::new));
    assertThat(compilation).succeeded();
    for (Diagnostic<? extends JavaFileObject> diagnostic : compilation.diagnostics()) {
      // javac's -Xlint:processing note that no processor claimed the annotations has no source file.
      assertEquals(null, diagnostic.getSource(), diagnostic.toString());
    }
  }

  @Test
  void invokersCallTheTaskMethodsAndTheIndexListsEveryTask() throws Throwable {
    List<JavaFileObject> sources = new ArrayList<>(List.of(Compilations.fixtures()));
    sources.add(AWKWARD_NAMES);
    Compilation compilation = compile(sources.toArray(JavaFileObject[]::new));
    assertThat(compilation).succeeded();
    ClassLoader loader = new GeneratedClassLoader(compilation);

    TaskDefinition names = definition(loader, "com.acme.odd.NamesTask");
    assertTrue(names.isImplemented());
    Parameter send = names.parameters().get(4);
    assertEquals(ValueType.listOf(ValueType.boxed(ValueType.Kind.CHAR)), send.type());
    assertEquals(List.of('x'), send.defaultValue());
    TaskInstances instances = TaskInstances.constructed();
    names.invoke(instances, new Object[] {1L, "a", 2, List.of('y'), List.of('z'), Map.of("k", "v")});

    TaskDefinition instance = definition(loader, "com.acme.odd.OnInstanceTask");
    assertEquals("n", instance.parameters().get(0).keyword());
    assertEquals("com.acme.odd.OddTasks", instance.instanceType().orElseThrow().getName());
    instance.invoke(instances, new Object[] {3, Map.of()});
    instance.invoke(instances, new Object[] {4, Map.of()});

    @SuppressWarnings("unchecked")
    List<Object> calls = (List<Object>) loader.loadClass("com.acme.odd.OddTasks").getField("CALLS").get(null);
    assertEquals(List.of(
        List.of(1L, "a", 2, List.of('y'), List.of('z'), Map.of("k", "v")),
        List.of("OddTasks", 3, Map.of()),
        List.of("OddTasks", 4, Map.of())), calls);
    assertEquals(1, loader.loadClass("com.acme.odd.OddTasks").getField("INSTANCES").getInt(null),
        "one instance for the two runs");

    TaskDefinition remote = definition(loader, "com.acme.billing.ChargeCardTask");
    assertFalse(remote.isImplemented());
    TaskDefinition cleanup = definition(loader, "com.acme.events.CleanupTask");
    assertEquals("*/5 * * * MON-FRI", cleanup.schedule().orElseThrow().cron());
    assertEquals(2.0, cleanup.parameters().get(5).defaultValue());

    // signature(...) sends every parameter it takes under its keyword; the shorter one leaves out the first, which a
    // chain fills with the previous step's result.
    Class<?> sendInvoice = loader.loadClass("com.acme.billing.SendInvoiceTask");
    TaskDefinition sendInvoiceDefinition = definition(loader, "com.acme.billing.SendInvoiceTask");
    Signature<?> full = (Signature<?>) sendInvoice.getMethod("signature", String.class).invoke(null, "i-9");
    assertEquals("billing.send_invoice", full.name());
    assertEquals(Map.of(sendInvoiceDefinition.parameters().get(0).keyword(), "i-9"), full.toDict().get("kwargs"));
    Signature<?> chained = (Signature<?>) sendInvoice.getMethod("signature").invoke(null);
    assertEquals(Map.of(), chained.toDict().get("kwargs"));

    String service = GoldenFilesTest.generated(compilation).get("META-INF/services/dev.celeriac.internal.TaskIndex");
    TaskIndex index = (TaskIndex) loader.loadClass(service.trim()).getConstructor().newInstance();
    TaskDefinition summary = definition(loader, "com.acme.billing.SummaryTask");
    assertEquals(ValueType.MAP, summary.resultType().orElseThrow());
    assertTrue(summary.trackStarted());
    assertEquals(Map.of("invoice", "i-1"), summary.invoke(instances, new Object[] {"i-1", Map.of()}));
    TaskDefinition audit = definition(loader, "com.acme.billing.AuditTask");
    assertTrue(audit.ignoreResult());
    assertEquals(ValueType.listOf(ValueType.STRING), audit.resultType().orElseThrow());
    TaskDefinition total = definition(loader, "com.acme.billing.TotalTask");
    assertEquals(ValueType.boxed(ValueType.Kind.LONG), total.resultType().orElseThrow());
    assertFalse(total.isImplemented());

    assertEquals(List.of("billing.audit", "billing.charge_card", "billing.send_invoice", "billing.summary",
        "billing.total", "odd.instance", "odd.names", "sentry.tasks.cleanup", "sentry.tasks.store.save_event"),
        index.tasks().stream().map(TaskDefinition::name).toList());
  }

  private static TaskDefinition definition(ClassLoader loader, String stub) throws ReflectiveOperationException {
    return (TaskDefinition) loader.loadClass(stub).getField("DEFINITION").get(null);
  }

  /** Loads the classes of a compile-testing compilation; the runtime comes from the test class path. */
  private static final class GeneratedClassLoader extends ClassLoader {
    private final Map<String, byte[]> classes = new HashMap<>();

    GeneratedClassLoader(Compilation compilation) {
      super(GeneratedCodeTest.class.getClassLoader());
      for (JavaFileObject file : compilation.generatedFiles()) {
        String path = file.toUri().getPath();
        if (file.getKind() == JavaFileObject.Kind.CLASS) {
          String name = path.replaceFirst("^/CLASS_OUTPUT/", "").replaceFirst("\\.class$", "").replace('/', '.');
          try (InputStream in = file.openInputStream()) {
            classes.put(name, in.readAllBytes());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      byte[] bytes = classes.get(name);
      if (bytes == null) {
        throw new ClassNotFoundException(name);
      }
      return defineClass(name, bytes, 0, bytes.length);
    }
  }
}
