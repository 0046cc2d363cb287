package dev.celeriac.processor.validation;

import dev.celeriac.processor.model.ValueTypeDescriptor;
import dev.celeriac.rules.ValueKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether a parameter can change type while messages written for the old type are still queued: every value
 * an old message may carry must convert to the new type, as the worker converts it. Conservative on purpose:
 * only changes that can never fail are accepted.
 */
final class TypeCompatibility {

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
    if (now.kind().widens(before.kind())) {
      return Optional.empty();
    }
    return Optional.of("a " + before.spelling() + " value in a message does not always convert to "
        + now.spelling());
  }
}
