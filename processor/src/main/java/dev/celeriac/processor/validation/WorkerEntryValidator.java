package dev.celeriac.processor.validation;

import dev.celeriac.processor.ClassNames;
import dev.celeriac.processor.Diagnostics;
import dev.celeriac.processor.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Warns about a class method that implements an abstract {@code @Task} method without a {@code @Task} of its
 * own. The abstract method declares a task implemented elsewhere, so no worker calls the implementation: a
 * Java worker dead-letters the task's messages, which is rarely what whoever wrote the class expected.
 */
public final class WorkerEntryValidator {

  private final Diagnostics diagnostics;
  private final Elements elements;
  private final Types types;

  public WorkerEntryValidator(Diagnostics diagnostics, Elements elements, Types types) {
    this.diagnostics = diagnostics;
    this.elements = elements;
    this.types = types;
  }

  /**
   * Checks the classes of this round, nested ones included, but those {@code skipped} (the processor's own stubs,
   * which implement no task).
   */
  public void check(RoundEnvironment round, Predicate<TypeElement> skipped) {
    // Most supertypes declare no abstract task: remember which do, for this round's elements.
    Map<TypeElement, List<ExecutableElement>> abstractTasks = new HashMap<>();
    for (TypeElement type : ElementFilter.typesIn(round.getRootElements())) {
      if (!skipped.test(type)) {
        check(type, abstractTasks);
      }
    }
  }

  private void check(TypeElement type, Map<TypeElement, List<ExecutableElement>> abstractTasks) {
    for (TypeElement nested : ElementFilter.typesIn(type.getEnclosedElements())) {
      check(nested, abstractTasks);
    }
    if (type.getKind() == ElementKind.INTERFACE || type.getKind() == ElementKind.ANNOTATION_TYPE) {
      return;
    }
    List<ExecutableElement> implemented = new ArrayList<>();
    for (TypeElement supertype : supertypes(type)) {
      implemented.addAll(abstractTasks.computeIfAbsent(supertype, WorkerEntryValidator::abstractTasksOf));
    }
    if (implemented.isEmpty()) {
      return;
    }
    for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
      if (method.getModifiers().contains(Modifier.ABSTRACT) || method.getModifiers().contains(Modifier.STATIC)
          || Annotations.has(method, ClassNames.TASK)) {
        continue;
      }
      for (ExecutableElement task : implemented) {
        if (elements.overrides(method, task, type)) {
          diagnostics.warning(Message.NOT_A_WORKER_ENTRY, method, Describe.method(method), Describe.method(task),
              taskName(task), Describe.method(task));
          break;
        }
      }
    }
  }

  /** Every class and interface {@code type} extends or implements, transitively. */
  private Set<TypeElement> supertypes(TypeElement type) {
    Set<TypeElement> found = new LinkedHashSet<>();
    List<TypeMirror> pending = new ArrayList<>(types.directSupertypes(type.asType()));
    while (!pending.isEmpty()) {
      TypeMirror next = pending.remove(pending.size() - 1);
      if (next instanceof DeclaredType declared && declared.asElement() instanceof TypeElement element
          && found.add(element)) {
        pending.addAll(types.directSupertypes(next));
      }
    }
    return found;
  }

  private static List<ExecutableElement> abstractTasksOf(TypeElement type) {
    return ElementFilter.methodsIn(type.getEnclosedElements()).stream()
        .filter(method -> method.getModifiers().contains(Modifier.ABSTRACT))
        .filter(method -> Annotations.has(method, ClassNames.TASK))
        .toList();
  }

  private static String taskName(ExecutableElement task) {
    AnnotationMirror mirror = Annotations.find(task, ClassNames.TASK).orElseThrow();
    return Annotations.explicit(mirror, "name").map(AnnotationValue::getValue).map(String::valueOf).orElse("");
  }
}
