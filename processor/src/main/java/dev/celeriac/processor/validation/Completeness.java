package dev.celeriac.processor.validation;

import dev.celeriac.processor.ClassNames;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;

/**
 * Tells whether javac could fully resolve a {@code @Task} method: its types, and the values of the Celeriac
 * annotations on it and its parameters. An incomplete method is not validated: its type may be generated
 * in a later round, and if it never is, javac reports the missing symbol or element itself.
 */
final class Completeness {

  private final Annotations annotations;

  Completeness(Annotations annotations) {
    this.annotations = annotations;
  }

  /** Whether the method can be validated now. */
  boolean isComplete(ExecutableElement method) {
    if (isErroneous(method.getReturnType())) {
      return false;
    }
    Optional<AnnotationMirror> task = Annotations.find(method, ClassNames.TASK);
    if (task.isEmpty() || !hasValues(task.get(), "name")) {
      return false;
    }
    Optional<AnnotationMirror> periodic = Annotations.find(method, ClassNames.PERIODIC);
    if (periodic.isPresent() && !hasValues(periodic.get(), "cron")) {
      return false;
    }
    for (VariableElement parameter : method.getParameters()) {
      if (isErroneous(parameter.asType())) {
        return false;
      }
      for (String annotation : List.of(ClassNames.KWARG, ClassNames.DEFAULT)) {
        Optional<AnnotationMirror> mirror = Annotations.find(parameter, annotation);
        if (mirror.isPresent() && !hasValues(mirror.get(), "value")) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether every element of the annotation resolved, and the required ones are present. */
  private boolean hasValues(AnnotationMirror mirror, String... required) {
    for (String name : required) {
      if (annotations.value(mirror, name).isEmpty()) {
        return false;
      }
    }
    for (AnnotationValue value : mirror.getElementValues().values()) {
      if (!isResolved(value)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isResolved(AnnotationValue value) {
    // javac's stand-in for a value it could not attribute prints as <error>; a real string prints quoted.
    if (value == null || "<error>".equals(value.toString())) {
      return false;
    }
    Object content = value.getValue();
    if (content instanceof TypeMirror type) {
      return type.getKind() == TypeKind.DECLARED && !isErroneous(type);
    }
    if (content instanceof List<?> list) {
      for (Object element : list) {
        if (!(element instanceof AnnotationValue nested) || !isResolved(nested)) {
          return false;
        }
      }
    }
    return content != null;
  }

  /** Whether the type, or any type it is made of, is one javac could not resolve. */
  static boolean isErroneous(TypeMirror type) {
    if (type == null) {
      return true;
    }
    switch (type.getKind()) {
      case ERROR:
        return true;
      case ARRAY:
        return isErroneous(((ArrayType) type).getComponentType());
      case DECLARED:
        for (TypeMirror argument : ((DeclaredType) type).getTypeArguments()) {
          if (isErroneous(argument)) {
            return true;
          }
        }
        return false;
      case WILDCARD:
        WildcardType wildcard = (WildcardType) type;
        return (wildcard.getExtendsBound() != null && isErroneous(wildcard.getExtendsBound()))
            || (wildcard.getSuperBound() != null && isErroneous(wildcard.getSuperBound()));
      default:
        return false;
    }
  }
}
