package dev.celeriac.processor.validation;

import com.squareup.javapoet.ClassName;
import dev.celeriac.processor.ClassNames;
import dev.celeriac.processor.Diagnostics;
import dev.celeriac.processor.Message;
import dev.celeriac.processor.model.ValueTypeDescriptor;
import dev.celeriac.rules.ValueKind;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/** Checks that a task parameter has a type that can travel in a message, and describes it. */
final class ParameterTypeValidator {

  private static final String TRAVEL_HINT = "Arguments travel in the message: pass its id and load it in the task.";

  private final Diagnostics diagnostics;
  private final Elements elements;

  ParameterTypeValidator(Diagnostics diagnostics, Elements elements) {
    this.diagnostics = diagnostics;
    this.elements = elements;
  }

  /** The parameter's type, if it is allowed. */
  Optional<ValueTypeDescriptor> check(VariableElement parameter) {
    TypeMirror type = parameter.asType();
    PackageElement stubPackage = Accessibility.packageOf(parameter);
    Optional<ValueTypeDescriptor> scalar = scalar(type, stubPackage);
    if (scalar.isPresent()) {
      return scalar;
    }
    String hint = TRAVEL_HINT;
    if (type.getKind() == TypeKind.ARRAY) {
      hint = "Use a List instead of an array.";
    } else if (isDeclared(type, ClassNames.LIST)) {
      List<? extends TypeMirror> arguments = ((DeclaredType) type).getTypeArguments();
      if (arguments.isEmpty()) {
        hint = "Give the List an element type, for example List<Long>.";
      } else {
        Optional<ValueTypeDescriptor> element = scalar(arguments.get(0), stubPackage)
            .filter(descriptor -> !descriptor.primitive());
        if (element.isPresent()) {
          return Optional.of(ValueTypeDescriptor.listOf(element.get()));
        }
        hint = "A List's element type must be a box, String or enum, without wildcard or nesting, for example"
            + " List<Long>.";
      }
    } else if (isDeclared(type, ClassNames.MAP)) {
      hint = "Only the @Extras parameter may be a Map; if this one should receive the keyword arguments the"
          + " method does not name, annotate it with @Extras.";
    } else if (type.getKind() == TypeKind.DECLARED && isEnum(type)) {
      TypeElement enumType = (TypeElement) ((DeclaredType) type).asElement();
      Optional<String> problem = Accessibility.problem(enumType, stubPackage);
      if (problem.isPresent()) {
        diagnostics.error(Message.INACCESSIBLE_CLASS, parameter, problem.get(), Describe.packageOf(parameter),
            "the type of parameter '" + parameter.getSimpleName() + "'");
        return Optional.empty();
      }
    }
    diagnostics.error(Message.UNSUPPORTED_PARAMETER, parameter, parameter.getSimpleName(), type, hint);
    return Optional.empty();
  }

  /**
   * The method's result type, boxed ({@code int} gives {@code Integer}): empty inside for {@code void}; empty outside,
   * with the error reported on the method, for a type a result can't be.
   */
  Optional<Optional<ValueTypeDescriptor>> checkResult(ExecutableElement method, String reference) {
    TypeMirror type = method.getReturnType();
    if (type.getKind() == TypeKind.VOID) {
      return Optional.of(Optional.empty());
    }
    PackageElement stubPackage = Accessibility.packageOf(method);
    Optional<ValueTypeDescriptor> scalar = scalar(type, stubPackage);
    if (scalar.isPresent()) {
      ValueTypeDescriptor result = scalar.get();
      return Optional.of(Optional.of(result.primitive() ? ValueTypeDescriptor.boxed(result.kind()) : result));
    }
    String hint = "Return an id and load the object where the result is read.";
    if (isDeclared(type, ClassNames.LIST)) {
      List<? extends TypeMirror> arguments = ((DeclaredType) type).getTypeArguments();
      Optional<ValueTypeDescriptor> element = arguments.isEmpty() ? Optional.empty()
          : scalar(arguments.get(0), stubPackage).filter(descriptor -> !descriptor.primitive());
      if (element.isPresent()) {
        return Optional.of(Optional.of(ValueTypeDescriptor.listOf(element.get())));
      }
      hint = "A List's element type must be a box, String or enum, for example List<Long>.";
    } else if (isDeclared(type, ClassNames.MAP)) {
      List<? extends TypeMirror> arguments = ((DeclaredType) type).getTypeArguments();
      if (arguments.size() == 2 && isDeclared(arguments.get(0), String.class.getName())
          && isDeclared(arguments.get(1), Object.class.getName())) {
        return Optional.of(Optional.of(ValueTypeDescriptor.map()));
      }
      hint = "A Map result must be declared Map<String, Object>.";
    }
    diagnostics.error(Message.UNSUPPORTED_RESULT, method, reference, type, hint);
    return Optional.empty();
  }

  /** A primitive, box, String or enum that the stub in {@code stubPackage} can name. */
  private Optional<ValueTypeDescriptor> scalar(TypeMirror type, PackageElement stubPackage) {
    switch (type.getKind()) {
      case BOOLEAN: return Optional.of(ValueTypeDescriptor.primitive(ValueKind.BOOLEAN));
      case BYTE: return Optional.of(ValueTypeDescriptor.primitive(ValueKind.BYTE));
      case SHORT: return Optional.of(ValueTypeDescriptor.primitive(ValueKind.SHORT));
      case INT: return Optional.of(ValueTypeDescriptor.primitive(ValueKind.INT));
      case LONG: return Optional.of(ValueTypeDescriptor.primitive(ValueKind.LONG));
      case FLOAT: return Optional.of(ValueTypeDescriptor.primitive(ValueKind.FLOAT));
      case DOUBLE: return Optional.of(ValueTypeDescriptor.primitive(ValueKind.DOUBLE));
      case CHAR: return Optional.of(ValueTypeDescriptor.primitive(ValueKind.CHAR));
      case DECLARED: break;
      default: return Optional.empty();
    }
    TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
    ValueKind boxed = ValueKind.ofBoxName(element.getQualifiedName().toString());
    if (boxed != null) {
      return Optional.of(ValueTypeDescriptor.boxed(boxed));
    }
    if (element.getKind() == ElementKind.ENUM && Accessibility.problem(element, stubPackage).isEmpty()) {
      List<String> constants = ElementFilter.fieldsIn(element.getEnclosedElements()).stream()
          .filter(field -> field.getKind() == ElementKind.ENUM_CONSTANT)
          .map(field -> field.getSimpleName().toString())
          .toList();
      return Optional.of(ValueTypeDescriptor.enumOf(
          ClassName.get(element), elements.getBinaryName(element).toString(), constants));
    }
    return Optional.empty();
  }

  private static boolean isEnum(TypeMirror type) {
    return ((DeclaredType) type).asElement().getKind() == ElementKind.ENUM;
  }

  private static boolean isDeclared(TypeMirror type, String qualifiedName) {
    return type.getKind() == TypeKind.DECLARED
        && ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName().contentEquals(qualifiedName);
  }
}
