package dev.celeriac.processor.model;

import java.util.Objects;
import java.util.Optional;

/**
 * One checked task parameter other than the extras map.
 *
 * @param javaName the Java parameter name
 * @param keyword the key it travels under in the message's kwargs
 * @param type its type
 * @param defaultValue its {@code @Default}, if any
 */
public record ParameterDescriptor(String javaName, String keyword, ValueTypeDescriptor type,
    Optional<DefaultValue> defaultValue) {

  public ParameterDescriptor {
    Objects.requireNonNull(javaName);
    Objects.requireNonNull(keyword);
    Objects.requireNonNull(type);
    Objects.requireNonNull(defaultValue);
  }

  /** Whether a message must carry it: a primitive without default. */
  public boolean isRequired() {
    return type.primitive() && defaultValue.isEmpty();
  }
}
