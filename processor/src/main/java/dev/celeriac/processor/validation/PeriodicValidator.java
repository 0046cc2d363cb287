package dev.celeriac.processor.validation;

import dev.celeriac.processor.ClassNames;
import dev.celeriac.processor.Diagnostics;
import dev.celeriac.processor.Message;
import dev.celeriac.processor.model.ScheduleDescriptor;
import dev.celeriac.rules.CronExpression;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Types;

/** Checks a {@code @Periodic}: its cron expression, its zone, and that scheduled runs need no arguments. */
final class PeriodicValidator {

  private final Diagnostics diagnostics;
  private final Annotations annotations;
  private final Types types;

  PeriodicValidator(Diagnostics diagnostics, Annotations annotations, Types types) {
    this.diagnostics = diagnostics;
    this.annotations = annotations;
    this.types = types;
  }

  /**
   * The schedule; empty when the method has no {@code @Periodic}, or an invalid one (reported, so the caller's
   * checkpoint is no longer clean).
   */
  Optional<ScheduleDescriptor> check(ExecutableElement method, List<VariableElement> parameters) {
    Optional<AnnotationMirror> periodic = Annotations.find(method, ClassNames.PERIODIC);
    if (periodic.isEmpty()) {
      return Optional.empty();
    }
    AnnotationMirror mirror = periodic.get();
    boolean valid = true;
    AnnotationValue cronValue = Annotations.explicit(mirror, "cron").orElseThrow();
    String cron = (String) cronValue.getValue();
    Optional<String> cronProblem = CronExpression.problem(cron);
    if (cronProblem.isPresent()) {
      String hint = cron.trim().startsWith("@") ? NearMatch.hint(cron.trim(), CronExpression.MACROS.keySet()) : "";
      diagnostics.error(Message.BAD_CRON, method, mirror, cronValue, cron, cronProblem.get() + hint);
      valid = false;
    }
    String zone = (String) annotations.value(mirror, "zone").orElseThrow().getValue();
    if (!isZone(zone)) {
      AnnotationValue zoneValue = Annotations.explicit(mirror, "zone").orElseThrow();
      diagnostics.error(Message.BAD_ZONE, method, mirror, zoneValue, zone,
          NearMatch.hint(zone, ZoneId.getAvailableZoneIds()));
      valid = false;
    }
    for (VariableElement parameter : parameters) {
      if (parameter.asType().getKind().isPrimitive() && !Annotations.has(parameter, ClassNames.DEFAULT)) {
        String box = types.boxedClass(types.getPrimitiveType(parameter.asType().getKind())).getSimpleName()
            .toString();
        diagnostics.error(Message.PERIODIC_REQUIRED_PARAMETER, parameter, Describe.method(method),
            parameter.getSimpleName(), parameter.asType(), box);
        valid = false;
      }
    }
    return valid ? Optional.of(new ScheduleDescriptor(cron, zone)) : Optional.empty();
  }

  private static boolean isZone(String zone) {
    try {
      ZoneId.of(zone);
      return true;
    } catch (DateTimeException e) {
      return false;
    }
  }
}
