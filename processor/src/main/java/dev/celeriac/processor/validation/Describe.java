package dev.celeriac.processor.validation;

import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;

/** How messages name program elements. */
final class Describe {

  private Describe() {}

  /** {@code com.acme.EventTasks#saveEvent}. */
  static String method(ExecutableElement method) {
    return ((TypeElement) method.getEnclosingElement()).getQualifiedName() + "#" + method.getSimpleName();
  }

  /** The package a type or member is in, for messages: its name, or "the unnamed package". */
  static String packageOf(Element element) {
    String name = packageName(element);
    return name.isEmpty() ? "the unnamed package" : name;
  }

  /** The qualified name of the package a type or member is in; empty for the unnamed package. */
  static String packageName(Element element) {
    Element current = element;
    while (!(current instanceof PackageElement)) {
      current = current.getEnclosingElement();
    }
    return ((PackageElement) current).getQualifiedName().toString();
  }
}
