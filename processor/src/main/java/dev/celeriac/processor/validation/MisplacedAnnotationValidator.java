package dev.celeriac.processor.validation;

import dev.celeriac.processor.ClassNames;
import dev.celeriac.processor.Diagnostics;
import dev.celeriac.processor.Message;
import java.util.List;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/**
 * Reports Celeriac annotations that sit where they do nothing: {@code @Periodic} on a method without
 * {@code @Task}, and {@code @Extras}, {@code @Kwarg} or {@code @Default} on a parameter of one.
 */
public final class MisplacedAnnotationValidator {

  private static final List<String> PARAMETER_ANNOTATIONS =
      List.of(ClassNames.EXTRAS, ClassNames.KWARG, ClassNames.DEFAULT);

  private final Diagnostics diagnostics;
  private final Elements elements;

  public MisplacedAnnotationValidator(Diagnostics diagnostics, Elements elements) {
    this.diagnostics = diagnostics;
    this.elements = elements;
  }

  /** Checks the elements of this round. */
  public void check(RoundEnvironment round) {
    TypeElement periodic = elements.getTypeElement(ClassNames.PERIODIC);
    if (periodic != null) {
      for (Element method : round.getElementsAnnotatedWith(periodic)) {
        if (!Annotations.has(method, ClassNames.TASK)) {
          report(method, ClassNames.PERIODIC, "method " + method.getSimpleName(),
              "the method has no @Task, so there is no task to schedule",
              "Add @Task(name = \"...\") to the method, or remove @Periodic.");
        }
      }
    }
    for (String annotation : PARAMETER_ANNOTATIONS) {
      TypeElement type = elements.getTypeElement(annotation);
      if (type == null) {
        continue;
      }
      for (Element parameter : round.getElementsAnnotatedWith(type)) {
        Element owner = parameter.getEnclosingElement();
        if (parameter.getKind() != ElementKind.PARAMETER || !Annotations.has(owner, ClassNames.TASK)) {
          report(parameter, annotation, "parameter '" + parameter.getSimpleName() + "' of " + owner,
              "only parameters of @Task methods travel in task messages",
              "Remove @" + ExtrasValidator.simpleName(annotation) + ", or add @Task to the method.");
        }
      }
    }
  }

  private void report(Element element, String annotation, String where, String why, String fix) {
    AnnotationMirror mirror = Annotations.find(element, annotation).orElseThrow();
    diagnostics.error(Message.MISPLACED_ANNOTATION, element, mirror, ExtrasValidator.simpleName(annotation), where,
        why, fix);
  }
}
