package dev.celeriac.processor.validation;

import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;

/** Whether generated code in the same package as a task can name a type. */
final class Accessibility {

  private Accessibility() {}

  /**
   * Why generated code cannot name {@code type}, or empty when it can: the type and every type enclosing it
   * must be top-level or static members that are not private.
   */
  static Optional<String> problem(TypeElement type) {
    for (Element current = type; current instanceof TypeElement nested; current = current.getEnclosingElement()) {
      NestingKind nesting = nested.getNestingKind();
      String name = nested.getQualifiedName().toString();
      if (nesting == NestingKind.LOCAL || nesting == NestingKind.ANONYMOUS) {
        return Optional.of(
            (name.isEmpty() ? type.getSimpleName() : name) + " is a " + nesting.name().toLowerCase() + " class");
      }
      if (nested.getModifiers().contains(Modifier.PRIVATE)) {
        return Optional.of(name + " is private");
      }
      if (nesting == NestingKind.MEMBER && nested.getKind() == ElementKind.CLASS
          && !nested.getModifiers().contains(Modifier.STATIC)) {
        return Optional.of(name + " is an inner (non-static) class");
      }
    }
    return Optional.empty();
  }
}
