package dev.celeriac.processor.validation;

import dev.celeriac.processor.ClassNames;
import dev.celeriac.processor.Diagnostics;
import dev.celeriac.processor.Message;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/** Checks that a task has exactly one {@code @Extras Map<String, Object>} parameter, last and unannotated. */
final class ExtrasValidator {

  private final Diagnostics diagnostics;

  ExtrasValidator(Diagnostics diagnostics) {
    this.diagnostics = diagnostics;
  }

  /** Whether {@code parameter} is marked {@code @Extras}. */
  static boolean isExtras(VariableElement parameter) {
    return Annotations.has(parameter, ClassNames.EXTRAS);
  }

  /** The extras parameter, if the method has exactly one valid one. */
  Optional<VariableElement> check(ExecutableElement method) {
    List<? extends VariableElement> parameters = method.getParameters();
    List<VariableElement> extras = parameters.stream().filter(ExtrasValidator::isExtras)
        .map(VariableElement.class::cast).toList();
    if (extras.isEmpty()) {
      diagnostics.error(Message.MISSING_EXTRAS, method, Describe.method(method));
      return Optional.empty();
    }
    boolean valid = true;
    VariableElement first = extras.get(0);
    for (VariableElement duplicate : extras.subList(1, extras.size())) {
      diagnostics.error(Message.DUPLICATE_EXTRAS, duplicate, Annotations.find(duplicate, ClassNames.EXTRAS).get(),
          duplicate.getSimpleName(), first.getSimpleName());
      valid = false;
    }
    for (VariableElement parameter : extras) {
      if (!isStringObjectMap(parameter.asType())) {
        diagnostics.error(Message.EXTRAS_TYPE, parameter, parameter.getSimpleName(), parameter.asType(),
            parameter.getSimpleName());
        valid = false;
      }
      for (String annotation : List.of(ClassNames.KWARG, ClassNames.DEFAULT)) {
        Optional<AnnotationMirror> mirror = Annotations.find(parameter, annotation);
        if (mirror.isPresent()) {
          diagnostics.error(Message.MISPLACED_ANNOTATION, parameter, mirror.get(), simpleName(annotation),
              "@Extras parameter '" + parameter.getSimpleName() + "'",
              "the extras map collects keywords the method does not name, it has no keyword or default of its own",
              "Remove @" + simpleName(annotation) + ".");
          valid = false;
        }
      }
    }
    VariableElement last = parameters.get(parameters.size() - 1);
    if (last != first) {
      diagnostics.error(Message.EXTRAS_NOT_LAST, first, first.getSimpleName(), last.getSimpleName());
      valid = false;
    }
    return valid ? Optional.of(first) : Optional.empty();
  }

  /** Exactly {@code java.util.Map<java.lang.String, java.lang.Object>}. */
  private static boolean isStringObjectMap(TypeMirror type) {
    if (type.getKind() != TypeKind.DECLARED) {
      return false;
    }
    DeclaredType declared = (DeclaredType) type;
    List<? extends TypeMirror> arguments = declared.getTypeArguments();
    return isNamed(declared, ClassNames.MAP)
        && arguments.size() == 2
        && isNamed(arguments.get(0), ClassNames.STRING)
        && isNamed(arguments.get(1), ClassNames.OBJECT);
  }

  private static boolean isNamed(TypeMirror type, String qualifiedName) {
    return type.getKind() == TypeKind.DECLARED
        && ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName().contentEquals(qualifiedName);
  }

  static String simpleName(String qualifiedName) {
    return qualifiedName.substring(qualifiedName.lastIndexOf('.') + 1);
  }
}
