package dev.celeriac.processor.validation;

import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;

/** How messages name program elements. */
final class Describe {

  private Describe() {}

  /** {@code com.acme.EventTasks#saveEvent}. */
  static String method(ExecutableElement method) {
    return ((TypeElement) method.getEnclosingElement()).getQualifiedName() + "#" + method.getSimpleName();
  }

  /**
   * {@code com.acme.EventTasks#saveEvent(long, String, Map<String, Object>)}: the method with its parameter
   * types, for messages that must tell overloads apart.
   */
  static String signature(ExecutableElement method) {
    return method(method) + method.getParameters().stream()
        .map(parameter -> type(parameter.asType()))
        .collect(Collectors.joining(", ", "(", ")"));
  }

  /** A type as source code spells it after imports: {@code List<Integer>}, {@code long}, {@code String[]}. */
  static String type(TypeMirror type) {
    if (type instanceof DeclaredType declared) {
      String name = declared.asElement().getSimpleName().toString();
      return declared.getTypeArguments().isEmpty() ? name : declared.getTypeArguments().stream()
          .map(Describe::type)
          .collect(Collectors.joining(", ", name + "<", ">"));
    }
    if (type instanceof ArrayType array) {
      return type(array.getComponentType()) + "[]";
    }
    return type.toString();
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
