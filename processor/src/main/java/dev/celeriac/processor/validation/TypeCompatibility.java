package dev.celeriac.processor.validation;

import dev.celeriac.processor.model.ValueKind;
import dev.celeriac.processor.model.ValueTypeDescriptor;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a parameter can change type while messages written for the old type are still queued: every value
 * an old message may carry must convert to the new type, as the worker converts it. Conservative on purpose:
 * only changes that can never fail are accepted.
 */
final class TypeCompatibility {

  /**
   * Old kind to the kinds that take every value of it: lossless numeric widening, and the kinds that travel as
   * a string (a char as one character, an enum as its constant's name) to {@code String}.
   */
  private static final Map<ValueKind, Set<ValueKind>> WIDER = Map.of(
      ValueKind.BYTE, EnumSet.of(ValueKind.SHORT, ValueKind.INT, ValueKind.LONG, ValueKind.FLOAT, ValueKind.DOUBLE),
      ValueKind.SHORT, EnumSet.of(ValueKind.INT, ValueKind.LONG, ValueKind.FLOAT, ValueKind.DOUBLE),
      ValueKind.INT, EnumSet.of(ValueKind.LONG, ValueKind.DOUBLE),
      ValueKind.FLOAT, EnumSet.of(ValueKind.DOUBLE),
      ValueKind.CHAR, EnumSet.of(ValueKind.STRING),
      ValueKind.ENUM, EnumSet.of(ValueKind.STRING));

  private TypeCompatibility() {}

  /**
   * Why a value written for {@code before} may fail to bind to {@code now}; empty when every one binds.
   *
   * @param hasDefault whether the new parameter has a {@code @Default}, which a null binds to
   */
  static Optional<String> problem(ValueTypeDescriptor before, ValueTypeDescriptor now, boolean hasDefault) {
    if ((before.kind() == ValueKind.LIST) != (now.kind() == ValueKind.LIST)) {
      return Optional.of("a list and a single value do not convert into each other");
    }
    if (before.kind() == ValueKind.LIST) {
      // Elements are never primitive, and a null element stays null, so only the element kinds matter.
      return problem(before.element(), now.element(), true).map(reason -> "list elements: " + reason);
    }
    Optional<String> problem = kindProblem(before, now);
    if (problem.isEmpty() && now.primitive() && !before.primitive() && !hasDefault) {
      return Optional.of("messages may carry null for " + before.spelling() + ", which " + now.spelling()
          + " cannot hold without @Default");
    }
    return problem;
  }

  private static Optional<String> kindProblem(ValueTypeDescriptor before, ValueTypeDescriptor now) {
    if (before.kind() == now.kind()) {
      if (before.kind() != ValueKind.ENUM) {
        return Optional.empty();
      }
      List<String> gone = new ArrayList<>(before.enumConstants());
      gone.removeAll(now.enumConstants());
      return gone.isEmpty() ? Optional.empty()
          : Optional.of("messages may carry " + String.join(", ", gone) + ", which " + now.spelling()
              + " no longer has");
    }
    if (WIDER.getOrDefault(before.kind(), Set.of()).contains(now.kind())) {
      return Optional.empty();
    }
    return Optional.of("a " + before.spelling() + " value in a message does not always convert to "
        + now.spelling());
  }
}
