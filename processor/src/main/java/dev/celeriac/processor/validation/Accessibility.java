package dev.celeriac.processor.validation;

import java.util.Locale;
import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;

/** Whether generated code in the same package as a task can name a type. */
final class Accessibility {

  private Accessibility() {}

  /**
   * Why generated code in package {@code from} cannot name {@code type}, or empty when it can: the type and
   * every type enclosing it must be top-level or static members, not private, and public unless they are
   * in {@code from} itself (a protected or package-private type of another package is out of reach).
   */
  static Optional<String> problem(TypeElement type, PackageElement from) {
    boolean samePackage = packageOf(type).equals(from);
    for (Element current = type; current instanceof TypeElement nested; current = current.getEnclosingElement()) {
      NestingKind nesting = nested.getNestingKind();
      String name = nested.getQualifiedName().toString();
      if (nesting == NestingKind.LOCAL || nesting == NestingKind.ANONYMOUS) {
        return Optional.of(
            (name.isEmpty() ? type.getSimpleName() : name) + " is a " + nesting.name().toLowerCase(Locale.ROOT) + " class");
      }
      if (nested.getModifiers().contains(Modifier.PRIVATE)) {
        return Optional.of(name + " is private");
      }
      if (!samePackage && !nested.getModifiers().contains(Modifier.PUBLIC)) {
        return Optional.of(name + " is not public and belongs to another package");
      }
      if (nesting == NestingKind.MEMBER && nested.getKind() == ElementKind.CLASS
          && !nested.getModifiers().contains(Modifier.STATIC)) {
        return Optional.of(name + " is an inner (non-static) class");
      }
    }
    return Optional.empty();
  }

  static PackageElement packageOf(Element element) {
    Element current = element;
    while (!(current instanceof PackageElement)) {
      current = current.getEnclosingElement();
    }
    return (PackageElement) current;
  }
}
