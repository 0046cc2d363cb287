package dev.celeriac.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.celeriac.processor.Compilations.acme;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.FileObject;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * An exception the processor did not expect is reported as {@code [Celeriac:InternalError]}, on the element it
 * was working on when there is one, and never escapes to javac.
 *
 * <p>The failure is injected where a build tool's {@link Filer} sits (Gradle and IDEs wrap javac's): the
 * processor runs unchanged inside a processor that hands it a processing environment whose filer throws.
 */
class InternalErrorTest {

  private static final JavaFileObject TASKS = acme("Tasks",
      "public class Tasks {",
      "  @Task(name = \"acme.run\")",
      "  public static void run(long id, @Extras Map<String, Object> extras) {}",
      "}");

  /** What the broken filer refuses. */
  private enum Failing { SOURCES, RESOURCES }

  @Test
  void failureOnATaskIsReportedOnItsMethod() {
    Compilation compilation = compile(Failing.SOURCES);
    // compile-testing returns a Compilation only when javac itself did not crash.
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.INTERNAL_ERROR.tag()).inFile(TASKS)
        .onLineContaining("public static void run(");
    assertThat(compilation).hadErrorContaining("java.lang.IllegalStateException: the filer broke; please report"
        + " this with the stack trace");
    assertThat(compilation).hadErrorContaining("at dev.celeriac.processor.writing.Output.source");
  }

  @Test
  void failureOutsideAnyTaskIsReportedWithoutAnElement() {
    // The stub is written; the index's service file is not: that happens after every task was handled.
    Compilation compilation = compile(Failing.RESOURCES);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.INTERNAL_ERROR.tag());
    assertThat(compilation).hadErrorContaining("at dev.celeriac.processor.writing.Output.resource");
    assertNull(compilation.errors().get(0).getSource());
  }

  private static Compilation compile(Failing failing) {
    return javac().withProcessors(new WithBrokenFiler(new CeleriacProcessor(), failing))
        .withOptions(List.of(Compilations.NO_SCHEMA))
        .compile(TASKS);
  }

  /** Runs {@code processor} with a filer that throws an unchecked exception for {@code failing}. */
  private static final class WithBrokenFiler extends AbstractProcessor {
    private final CeleriacProcessor processor;
    private final Failing failing;

    WithBrokenFiler(CeleriacProcessor processor, Failing failing) {
      this.processor = processor;
      this.failing = failing;
    }

    @Override
    public synchronized void init(ProcessingEnvironment environment) {
      super.init(environment);
      processor.init(new Environment(environment, new BrokenFiler(environment.getFiler(), failing)));
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return processor.getSupportedAnnotationTypes();
    }

    @Override
    public Set<String> getSupportedOptions() {
      return processor.getSupportedOptions();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return processor.getSupportedSourceVersion();
    }

    @Override
    // A wrapper as build tools put around a processor passes on the wrapped one's answer (Celeriac's claims nothing).
    @SuppressWarnings("DoNotClaimAnnotations")
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      return processor.process(annotations, round);
    }
  }

  private record Environment(ProcessingEnvironment delegate, Filer filer) implements ProcessingEnvironment {
    @Override
    public Map<String, String> getOptions() {
      return delegate.getOptions();
    }

    @Override
    public Messager getMessager() {
      return delegate.getMessager();
    }

    @Override
    public Filer getFiler() {
      return filer;
    }

    @Override
    public Elements getElementUtils() {
      return delegate.getElementUtils();
    }

    @Override
    public Types getTypeUtils() {
      return delegate.getTypeUtils();
    }

    @Override
    public SourceVersion getSourceVersion() {
      return delegate.getSourceVersion();
    }

    @Override
    public Locale getLocale() {
      return delegate.getLocale();
    }
  }

  private record BrokenFiler(Filer delegate, Failing failing) implements Filer {
    @Override
    public JavaFileObject createSourceFile(CharSequence name, Element... originatingElements) throws IOException {
      if (failing == Failing.SOURCES) {
        throw new IllegalStateException("the filer broke");
      }
      return delegate.createSourceFile(name, originatingElements);
    }

    @Override
    public JavaFileObject createClassFile(CharSequence name, Element... originatingElements) throws IOException {
      return delegate.createClassFile(name, originatingElements);
    }

    @Override
    public FileObject createResource(JavaFileManager.Location location, CharSequence moduleAndPackage,
        CharSequence relativeName, Element... originatingElements) throws IOException {
      if (failing == Failing.RESOURCES) {
        throw new IllegalStateException("the filer broke");
      }
      return delegate.createResource(location, moduleAndPackage, relativeName, originatingElements);
    }

    @Override
    public FileObject getResource(JavaFileManager.Location location, CharSequence moduleAndPackage,
        CharSequence relativeName) throws IOException {
      return delegate.getResource(location, moduleAndPackage, relativeName);
    }
  }
}
