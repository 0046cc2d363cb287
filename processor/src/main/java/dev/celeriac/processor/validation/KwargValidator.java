package dev.celeriac.processor.validation;

import dev.celeriac.processor.ClassNames;
import dev.celeriac.processor.Diagnostics;
import dev.celeriac.processor.Message;
import dev.celeriac.rules.Names;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.VariableElement;

/** Finds the keyword each parameter travels under and checks that keywords are valid and unique. */
final class KwargValidator {

  private final Diagnostics diagnostics;

  KwargValidator(Diagnostics diagnostics) {
    this.diagnostics = diagnostics;
  }

  /**
   * The keyword of each parameter of {@code method} that has a valid and unique one, in declaration order.
   * Warns about a Python keyword when the method is implemented elsewhere, most likely by a Python function.
   */
  Map<VariableElement, String> check(ExecutableElement method, List<VariableElement> parameters) {
    boolean implementedElsewhere = method.getModifiers().contains(Modifier.ABSTRACT);
    Map<VariableElement, String> keywords = new LinkedHashMap<>();
    Map<String, VariableElement> owners = new HashMap<>();
    for (VariableElement parameter : parameters) {
      Optional<AnnotationMirror> kwarg = Annotations.find(parameter, ClassNames.KWARG);
      AnnotationValue value = kwarg.flatMap(mirror -> Annotations.explicit(mirror, "value")).orElse(null);
      String keyword = value != null ? (String) value.getValue() : parameter.getSimpleName().toString();
      if (!Names.isKeyword(keyword)) {
        if (value != null) {
          diagnostics.error(Message.INVALID_KWARG, parameter, kwarg.get(), value, keyword, parameter.getSimpleName(),
              "Use letters, digits and '_', for example \"project_id\".");
        } else {
          diagnostics.error(Message.INVALID_KWARG, parameter, keyword, parameter.getSimpleName(),
              "Add @Kwarg(\"...\") with letters, digits and '_'.");
        }
        continue;
      }
      VariableElement owner = owners.putIfAbsent(keyword, parameter);
      if (owner != null) {
        Object[] arguments = {parameter.getSimpleName(), keyword, owner.getSimpleName()};
        if (value != null) {
          diagnostics.error(Message.DUPLICATE_KWARG, parameter, kwarg.get(), value, arguments);
        } else {
          diagnostics.error(Message.DUPLICATE_KWARG, parameter, arguments);
        }
        continue;
      }
      if (implementedElsewhere && Names.isPythonKeyword(keyword)) {
        Object[] arguments = {keyword, parameter.getSimpleName(), Describe.method(method), keyword, keyword};
        if (value != null) {
          diagnostics.warning(Message.PYTHON_KEYWORD, parameter, kwarg.get(), value, arguments);
        } else {
          diagnostics.warning(Message.PYTHON_KEYWORD, parameter, arguments);
        }
      }
      keywords.put(parameter, keyword);
    }
    return keywords;
  }
}
