package dev.celeriac;

import dev.celeriac.rules.ValueKind;
import java.util.List;
import java.util.Objects;

/**
 * The type of a task parameter as it travels: a primitive, a box, {@code String}, an enum (by constant
 * name) or a {@code List} of those. The processor allows nothing else.
 */
public final class ValueType {

  /**
   * The shapes a value can take: the kinds of celeriac-rules ({@link ValueKind}), which the processor checks
   * parameters and results against, under the name generated stubs and callers spell them by.
   */
  public enum Kind {
    BOOLEAN(ValueKind.BOOLEAN),
    BYTE(ValueKind.BYTE),
    SHORT(ValueKind.SHORT),
    INT(ValueKind.INT),
    LONG(ValueKind.LONG),
    FLOAT(ValueKind.FLOAT),
    DOUBLE(ValueKind.DOUBLE),
    CHAR(ValueKind.CHAR),
    STRING(ValueKind.STRING),
    ENUM(ValueKind.ENUM),
    LIST(ValueKind.LIST),
    /** {@code Map<String, Object>} of JSON values: a task's result only, never a parameter. */
    MAP(ValueKind.MAP);

    private final ValueKind rule;

    Kind(ValueKind rule) {
      if (!rule.name().equals(name())) {
        throw new AssertionError(this + " names " + rule);
      }
      this.rule = rule;
    }

    /** The kind as celeriac-rules defines it. */
    public ValueKind rule() {
      return rule;
    }

    /** The kind of this rule. */
    public static Kind of(ValueKind rule) {
      return valueOf(rule.name());
    }

    /** Whether this kind has a primitive form. */
    public boolean hasPrimitive() {
      return rule.hasPrimitive();
    }
  }

  public static final ValueType BOOLEAN = new ValueType(Kind.BOOLEAN, true, null, null);
  public static final ValueType BYTE = new ValueType(Kind.BYTE, true, null, null);
  public static final ValueType SHORT = new ValueType(Kind.SHORT, true, null, null);
  public static final ValueType INT = new ValueType(Kind.INT, true, null, null);
  public static final ValueType LONG = new ValueType(Kind.LONG, true, null, null);
  public static final ValueType FLOAT = new ValueType(Kind.FLOAT, true, null, null);
  public static final ValueType DOUBLE = new ValueType(Kind.DOUBLE, true, null, null);
  public static final ValueType CHAR = new ValueType(Kind.CHAR, true, null, null);
  public static final ValueType STRING = new ValueType(Kind.STRING, false, null, null);
  /** {@code Map<String, Object>} with JSON values: allowed as a task's result type. */
  public static final ValueType MAP = new ValueType(Kind.MAP, false, null, null);

  private final Kind kind;
  private final boolean primitive;
  private final Class<? extends Enum<?>> enumType;
  private final ValueType element;

  private ValueType(Kind kind, boolean primitive, Class<? extends Enum<?>> enumType, ValueType element) {
    this.kind = kind;
    this.primitive = primitive;
    this.enumType = enumType;
    this.element = element;
  }

  /** The boxed form of a primitive kind, for example {@code Long} for {@link Kind#LONG}. */
  public static ValueType boxed(Kind kind) {
    if (!kind.hasPrimitive()) {
      throw new IllegalArgumentException(kind + " has no primitive form to box");
    }
    return new ValueType(kind, false, null, null);
  }

  /** An enum type; values travel as the constant's {@link Enum#name()}. */
  public static ValueType enumOf(Class<? extends Enum<?>> type) {
    return new ValueType(Kind.ENUM, false, Objects.requireNonNull(type), null);
  }

  /** A {@code List} whose elements have the given (non-list, non-primitive) type. */
  public static ValueType listOf(ValueType element) {
    if (element.kind == Kind.LIST || element.primitive) {
      throw new IllegalArgumentException("list elements must be boxes, String or enums, not " + element);
    }
    return new ValueType(Kind.LIST, false, null, element);
  }

  public Kind kind() {
    return kind;
  }

  /** True for the eight primitives, which can't be null and so are required unless they have a default. */
  public boolean isPrimitive() {
    return primitive;
  }

  /** The enum class, for {@link Kind#ENUM}; otherwise null. */
  public Class<? extends Enum<?>> enumType() {
    return enumType;
  }

  /** The element type, for {@link Kind#LIST}; otherwise null. */
  public ValueType element() {
    return element;
  }

  /** The enum's constant names, for {@link Kind#ENUM}; otherwise empty. */
  public List<String> enumConstants() {
    if (enumType == null) {
      return List.of();
    }
    return java.util.Arrays.stream(enumType.getEnumConstants()).map(Enum::name).toList();
  }

  /** The Java spelling, for example {@code long}, {@code Long}, {@code String}, {@code List<com.acme.Color>}. */
  @Override
  public String toString() {
    switch (kind) {
      case ENUM:
        return enumType.getName();
      case LIST:
        return "List<" + element + ">";
      case MAP:
        return "Map<String, Object>";
      default:
        return primitive ? kind.rule.primitive().getName() : kind.rule.box().getSimpleName();
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ValueType other
        && kind == other.kind
        && primitive == other.primitive
        && Objects.equals(enumType, other.enumType)
        && Objects.equals(element, other.element);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, primitive, enumType, element);
  }
}
