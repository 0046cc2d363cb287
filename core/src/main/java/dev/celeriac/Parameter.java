package dev.celeriac;

import java.util.Objects;

/**
 * One parameter of a task as the wire sees it: the keyword it travels under, its type and what happens
 * when a message lacks it.
 *
 * <p>A parameter is optional when it has a default or a type that can be null (a box, {@code String},
 * an enum or a {@code List}): a missing optional keyword binds to its default, or to null. A primitive
 * without default is required: a message without it is dead-lettered.
 */
public final class Parameter {

  private final String keyword;
  private final String javaName;
  private final ValueType type;
  private final Object defaultValue;
  private final String defaultLiteral;

  private Parameter(String keyword, String javaName, ValueType type, Object defaultValue, String defaultLiteral) {
    this.keyword = Objects.requireNonNull(keyword);
    this.javaName = Objects.requireNonNull(javaName);
    this.type = Objects.requireNonNull(type);
    this.defaultValue = defaultValue;
    this.defaultLiteral = defaultLiteral;
  }

  /** A parameter without default. */
  public static Parameter of(String keyword, String javaName, ValueType type) {
    return new Parameter(keyword, javaName, type, null, null);
  }

  /**
   * A parameter with a default: {@code value} is already of the parameter's Java type (boxed for
   * primitives) and {@code literal} is the {@link Default} text it came from.
   */
  public static Parameter withDefault(String keyword, String javaName, ValueType type, Object value, String literal) {
    return new Parameter(keyword, javaName, type, Objects.requireNonNull(value), Objects.requireNonNull(literal));
  }

  /** The key in the message's kwargs. */
  public String keyword() {
    return keyword;
  }

  /** The Java parameter name. */
  public String javaName() {
    return javaName;
  }

  public ValueType type() {
    return type;
  }

  /** Whether a message must carry this keyword (a primitive without default). */
  public boolean isRequired() {
    return type.isPrimitive() && defaultLiteral == null;
  }

  public boolean hasDefault() {
    return defaultLiteral != null;
  }

  /** The typed default value, or null when there is none. */
  public Object defaultValue() {
    return defaultValue;
  }

  /** The {@link Default} text, or null when there is none. */
  public String defaultLiteral() {
    return defaultLiteral;
  }

  @Override
  public String toString() {
    return keyword + ": " + type + (hasDefault() ? " = " + defaultLiteral : isRequired() ? "" : " = null");
  }
}
