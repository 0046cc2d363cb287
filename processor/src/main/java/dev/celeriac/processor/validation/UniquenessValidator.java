package dev.celeriac.processor.validation;

import com.squareup.javapoet.ClassName;
import dev.celeriac.processor.Diagnostics;
import dev.celeriac.processor.Message;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.ModuleElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * Checks what must be unique across the whole compilation: task names, and stub class names within a
 * package. Remembers every task it has seen, across rounds.
 */
final class UniquenessValidator {

  private final Diagnostics diagnostics;
  private final Elements elements;
  private final Map<String, String> methodsByName = new HashMap<>();
  private final Map<ClassName, String> methodsByStub = new HashMap<>();

  UniquenessValidator(Diagnostics diagnostics, Elements elements) {
    this.diagnostics = diagnostics;
    this.elements = elements;
  }

  /** The class generated for a task method: {@code doWork} in {@code com.acme} gives {@code com.acme.DoWorkTask}. */
  static ClassName stubName(ExecutableElement method) {
    String methodName = method.getSimpleName().toString();
    String simpleName = Character.toUpperCase(methodName.charAt(0)) + methodName.substring(1) + "Task";
    return ClassName.get(Describe.packageName(method), simpleName);
  }

  /** Records the task name; reports it on its value if another method already uses it. */
  void checkName(ExecutableElement method, AnnotationMirror task, AnnotationValue nameValue, String name) {
    String other = methodsByName.putIfAbsent(name, Describe.method(method));
    if (other != null) {
      diagnostics.error(Message.DUPLICATE_NAME, method, task, nameValue, name, other);
    }
  }

  /**
   * Records the stub's name; reports on the method if another task or an existing type has it. Methods are
   * named with their parameter types, since two overloads of one method clash too.
   */
  void checkStub(ExecutableElement method, ClassName stub) {
    String signature = Describe.signature(method);
    String other = methodsByStub.putIfAbsent(stub, signature);
    if (other != null) {
      diagnostics.error(Message.STUB_NAME_CLASH, method, stub.canonicalName(), signature,
          "the stub of @Task method " + other);
      return;
    }
    // Looked up in the task's module only: without one, javac looks in every module it knows, the whole JDK's too,
    // which took 5% of a compilation with 1 500 tasks.
    ModuleElement module = elements.getModuleOf(method);
    TypeElement existing = module == null
        ? elements.getTypeElement(stub.canonicalName())
        : elements.getTypeElement(module, stub.canonicalName());
    if (existing != null && !looksGenerated(existing)) {
      diagnostics.error(Message.STUB_NAME_CLASH, method, stub.canonicalName(), signature,
          "the existing " + existing.getKind().toString().toLowerCase(Locale.ROOT) + " "
              + existing.getQualifiedName());
    }
  }

  /**
   * Whether a type already on the class path is a stub of ours, left by an earlier build of the same sources
   * (for example in target/classes): it is about to be regenerated, so it is no clash.
   */
  private static boolean looksGenerated(TypeElement type) {
    boolean hasDefinition = ElementFilter.fieldsIn(type.getEnclosedElements()).stream()
        .anyMatch(field -> field.getSimpleName().contentEquals("DEFINITION"));
    boolean hasCall = ElementFilter.typesIn(type.getEnclosedElements()).stream()
        .anyMatch(nested -> nested.getSimpleName().contentEquals("Call") && nested.getKind() == ElementKind.CLASS);
    return hasDefinition && hasCall;
  }
}
