package dev.celeriac.processor.model;

import java.util.List;
import java.util.Objects;

/**
 * A checked {@code @Default}: the text as written and the values it parsed to, each in a normal form that
 * writers turn into Java literals (decimal integers, {@link Double#toString}/{@link Float#toString} numbers,
 * the character or string itself, an enum constant's name).
 *
 * @param literal the {@code @Default} text
 * @param values one value for a scalar parameter; the elements, in order, for a {@code List} parameter
 */
public record DefaultValue(String literal, List<String> values) {

  public DefaultValue {
    Objects.requireNonNull(literal);
    values = List.copyOf(values);
  }
}
