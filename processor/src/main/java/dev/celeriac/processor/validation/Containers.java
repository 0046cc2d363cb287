package dev.celeriac.processor.validation;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/**
 * Whether a dependency-injection container creates a class, read from its annotations: then the app's {@code
 * InstanceProvider} supplies the instances its tasks run on, and the class needs no no-argument constructor.
 */
final class Containers {

  /**
   * The annotations that say a container creates a class, on the class or on one of its constructors, directly or
   * as a meta-annotation: Spring's stereotypes ({@code @Service}, {@code @Repository}, a team's own) all carry
   * {@code @Component}, and CDI stereotypes carry their scope.
   */
  static final Set<String> CREATING_ANNOTATIONS = Set.of(
      "jakarta.inject.Inject",
      "javax.inject.Inject",
      "com.google.inject.Inject",
      "org.springframework.beans.factory.annotation.Autowired",
      "jakarta.inject.Singleton",
      "javax.inject.Singleton",
      "com.google.inject.Singleton",
      "jakarta.enterprise.context.ApplicationScoped",
      "javax.enterprise.context.ApplicationScoped",
      "org.springframework.stereotype.Component");

  /** How the compiler's message names them, for the fix it suggests. */
  static final String SUMMARY = "@Component, @Service or another Spring stereotype, @Singleton or"
      + " @ApplicationScoped on the class, or @Inject or @Autowired on its constructor";

  private Containers() {}

  /** Whether the class or one of its constructors carries one of {@link #CREATING_ANNOTATIONS}. */
  static boolean create(TypeElement type) {
    if (carries(type)) {
      return true;
    }
    for (ExecutableElement constructor : ElementFilter.constructorsIn(type.getEnclosedElements())) {
      if (carries(constructor)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code element}'s annotations, or theirs in turn, include one of {@link #CREATING_ANNOTATIONS}. */
  private static boolean carries(Element element) {
    Deque<AnnotationMirror> pending = new ArrayDeque<>(element.getAnnotationMirrors());
    // Meta-annotations form cycles (@Documented carries @Documented): each annotation type is looked at once.
    Set<String> seen = new HashSet<>();
    while (!pending.isEmpty()) {
      TypeElement annotation = (TypeElement) pending.pop().getAnnotationType().asElement();
      String name = annotation.getQualifiedName().toString();
      if (CREATING_ANNOTATIONS.contains(name)) {
        return true;
      }
      if (seen.add(name)) {
        pending.addAll(annotation.getAnnotationMirrors());
      }
    }
    return false;
  }
}
