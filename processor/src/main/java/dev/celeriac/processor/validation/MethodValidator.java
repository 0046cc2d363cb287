package dev.celeriac.processor.validation;

import dev.celeriac.processor.Diagnostics;
import dev.celeriac.processor.Message;
import dev.celeriac.processor.model.TaskDescriptor.Invocation;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.util.ElementFilter;

/** Checks the shape of a {@code @Task} method and finds how a worker will call it. */
final class MethodValidator {

  private final Diagnostics diagnostics;

  MethodValidator(Diagnostics diagnostics) {
    this.diagnostics = diagnostics;
  }

  /** How the method is invoked, if its shape is valid. */
  Optional<Invocation> check(ExecutableElement method) {
    boolean valid = true;
    String reference = Describe.method(method);
    if (method.getModifiers().contains(Modifier.PRIVATE)) {
      diagnostics.error(Message.PRIVATE_METHOD, method, reference);
      valid = false;
    }
    if (!method.getTypeParameters().isEmpty()) {
      String parameters = method.getTypeParameters().stream()
          .map(parameter -> parameter.getSimpleName().toString())
          .collect(Collectors.joining(", ", "<", ">"));
      diagnostics.error(Message.GENERIC_METHOD, method, reference, parameters);
      valid = false;
    }
    TypeElement type = (TypeElement) method.getEnclosingElement();
    Optional<String> unreachable = Accessibility.problem(type, Accessibility.packageOf(type));
    if (unreachable.isPresent()) {
      diagnostics.error(Message.INACCESSIBLE_CLASS, method, unreachable.get(), Describe.packageOf(type),
          "@Task method " + reference);
      return Optional.empty();
    }
    Invocation invocation = invocation(method, type);
    if (invocation == null) {
      diagnostics.error(Message.NO_INSTANCE, method, reference, whyNoInstance(type), Containers.SUMMARY);
      return Optional.empty();
    }
    return valid ? Optional.of(invocation) : Optional.empty();
  }

  /**
   * STATIC, ABSTRACT, INSTANCE when the class can be instantiated, PROVIDED when a container creates it, or null
   * when nothing can make an instance.
   */
  private static Invocation invocation(ExecutableElement method, TypeElement type) {
    if (method.getModifiers().contains(Modifier.STATIC)) {
      return Invocation.STATIC;
    }
    if (method.getModifiers().contains(Modifier.ABSTRACT)) {
      return Invocation.ABSTRACT;
    }
    if (!isConcreteClass(type)) {
      return null;
    }
    if (hasNoArgumentConstructor(type)) {
      return Invocation.INSTANCE;
    }
    return Containers.create(type) ? Invocation.PROVIDED : null;
  }

  /** Why nothing can make an instance of {@code type}. */
  private static String whyNoInstance(TypeElement type) {
    String name = type.getQualifiedName().toString();
    if (type.getKind() == ElementKind.INTERFACE) {
      return name + " is an interface (the method is a default method)";
    }
    if (type.getKind() == ElementKind.ENUM) {
      return name + " is an enum";
    }
    if (type.getModifiers().contains(Modifier.ABSTRACT)) {
      return "class " + name + " is abstract";
    }
    return "class " + name + " has no non-private no-argument constructor and no annotation saying a"
        + " dependency-injection container creates it";
  }

  /** A class or record that is not abstract; an enum's constants are its only instances. */
  private static boolean isConcreteClass(TypeElement type) {
    return type.getKind().isClass() && type.getKind() != ElementKind.ENUM
        && !type.getModifiers().contains(Modifier.ABSTRACT);
  }

  private static boolean hasNoArgumentConstructor(TypeElement type) {
    for (ExecutableElement constructor : ElementFilter.constructorsIn(type.getEnclosedElements())) {
      if (constructor.getParameters().isEmpty() && !constructor.getModifiers().contains(Modifier.PRIVATE)) {
        return true;
      }
    }
    return false;
  }
}
