package dev.celeriac.rules;

/**
 * The kinds of value a task parameter or result can be, and how they travel: the processor allows these and
 * nothing else, and the runtime's {@code ValueType.Kind} names them in the public API, constant for constant
 * (its constants take their names and types from here).
 */
public enum ValueKind {
  BOOLEAN(boolean.class, Boolean.class),
  BYTE(byte.class, Byte.class),
  SHORT(short.class, Short.class),
  INT(int.class, Integer.class),
  LONG(long.class, Long.class),
  FLOAT(float.class, Float.class),
  DOUBLE(double.class, Double.class),
  CHAR(char.class, Character.class),
  STRING(null, String.class),
  /** An enum, which travels as its constant's name. */
  ENUM(null, null),
  /** A {@code List} of a box, {@code String} or an enum. */
  LIST(null, null),
  /** {@code Map<String, Object>} of JSON values: a task's result only, never a parameter. */
  MAP(null, null);

  private final Class<?> primitive;
  private final Class<?> box;

  ValueKind(Class<?> primitive, Class<?> box) {
    this.primitive = primitive;
    this.box = box;
  }

  /** Whether this kind has a primitive form. */
  public boolean hasPrimitive() {
    return primitive != null;
  }

  /** The primitive type, for example {@code long.class}; null for kinds without one. */
  public Class<?> primitive() {
    return primitive;
  }

  /** The box, for example {@code Long.class}, or {@code String.class}; null for enums, lists and maps. */
  public Class<?> box() {
    return box;
  }

  /** The qualified name of {@link #box()}, or null. */
  public String boxName() {
    return box == null ? null : box.getName();
  }

  /** Whether a value of this kind travels as a JSON string: a string, a char as one character, an enum by name. */
  public boolean travelsAsString() {
    return this == STRING || this == CHAR || this == ENUM;
  }

  /**
   * Whether every value a message may carry for {@code narrower} converts, as the worker converts arguments, to
   * a value of this other kind: lossless numeric widening, and a char or an enum to {@code String}. Only such a
   * change of a parameter's type is safe while messages written for the old type are still queued.
   */
  public boolean widens(ValueKind narrower) {
    switch (narrower) {
      case BYTE:
        return this == SHORT || this == INT || this == LONG || this == FLOAT || this == DOUBLE;
      case SHORT:
        return this == INT || this == LONG || this == FLOAT || this == DOUBLE;
      case INT:
        return this == LONG || this == DOUBLE;
      case FLOAT:
        return this == DOUBLE;
      case CHAR:
      case ENUM:
        return this == STRING;
      default:
        return false;
    }
  }

  /** The kind whose box or {@code String} has this qualified name, or null. */
  public static ValueKind ofBoxName(String qualifiedName) {
    for (ValueKind kind : values()) {
      if (qualifiedName.equals(kind.boxName())) {
        return kind;
      }
    }
    return null;
  }

  /** The kind whose primitive has this name ({@code long}), or null. */
  public static ValueKind ofPrimitiveName(String name) {
    for (ValueKind kind : values()) {
      if (kind.primitive != null && kind.primitive.getName().equals(name)) {
        return kind;
      }
    }
    return null;
  }
}
