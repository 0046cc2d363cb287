package dev.celeriac.processor.model;

import java.util.Objects;
import java.util.Optional;

/**
 * One task parameter as {@code tasks.json} and the committed task schema record it.
 *
 * @param keyword the key it travels under in the message's kwargs
 * @param name its Java name
 * @param type its type, enum constants included
 * @param required whether a message must carry it
 * @param defaultLiteral its {@code @Default} text, if any
 */
public record ParameterRecord(String keyword, String name, ValueTypeDescriptor type, boolean required,
    Optional<String> defaultLiteral) {

  public ParameterRecord {
    Objects.requireNonNull(keyword);
    Objects.requireNonNull(name);
    Objects.requireNonNull(type);
    Objects.requireNonNull(defaultLiteral);
  }

  /** The record of a checked parameter. */
  public static ParameterRecord of(ParameterDescriptor parameter) {
    return new ParameterRecord(parameter.keyword(), parameter.javaName(), parameter.type(), parameter.isRequired(),
        parameter.defaultValue().map(DefaultValue::literal));
  }
}
