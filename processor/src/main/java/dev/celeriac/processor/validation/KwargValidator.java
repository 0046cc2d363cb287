package dev.celeriac.processor.validation;

import dev.celeriac.processor.ClassNames;
import dev.celeriac.processor.Diagnostics;
import dev.celeriac.processor.Message;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.VariableElement;

/** Finds the keyword each parameter travels under and checks that keywords are valid and unique. */
final class KwargValidator {

  private static final Pattern KEYWORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * Python 3's reserved words ({@code keyword.kwlist}), which no Python function can take as a parameter. The
   * soft keywords ({@code match}, {@code case}, {@code type}, {@code _}) are left out: they are keywords only
   * in some statements and remain valid parameter names.
   */
  private static final Set<String> PYTHON_KEYWORDS = Set.of(
      "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
      "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
      "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield");

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
      if (!KEYWORD.matcher(keyword).matches()) {
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
      if (implementedElsewhere && PYTHON_KEYWORDS.contains(keyword)) {
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
