package dev.celeriac.processor.validation;

import dev.celeriac.processor.ClassNames;
import dev.celeriac.processor.Diagnostics;
import dev.celeriac.processor.Message;
import dev.celeriac.processor.model.DefaultValue;
import dev.celeriac.processor.model.ValueTypeDescriptor;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.VariableElement;

/** Checks that a {@code @Default} parses as its parameter's type. */
final class DefaultValidator {

  private final Diagnostics diagnostics;

  DefaultValidator(Diagnostics diagnostics) {
    this.diagnostics = diagnostics;
  }

  /**
   * The parsed default; empty when the parameter has none, or has one that does not parse (reported, so the
   * caller's checkpoint is no longer clean).
   */
  Optional<DefaultValue> check(VariableElement parameter, ValueTypeDescriptor type) {
    Optional<AnnotationMirror> mirror = Annotations.find(parameter, ClassNames.DEFAULT);
    if (mirror.isEmpty()) {
      return Optional.empty();
    }
    AnnotationValue value = Annotations.explicit(mirror.get(), "value").orElseThrow();
    String text = (String) value.getValue();
    DefaultParser.Result result = DefaultParser.parse(text, type);
    if (result.problem() != null) {
      diagnostics.error(Message.BAD_DEFAULT, parameter, mirror.get(), value, text, parameter.getSimpleName(),
          type.spelling(), result.problem().reason(), result.problem().hint());
      return Optional.empty();
    }
    return Optional.of(result.value());
  }
}
