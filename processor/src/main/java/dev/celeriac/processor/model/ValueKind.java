package dev.celeriac.processor.model;

import com.squareup.javapoet.TypeName;

/** The shapes a task argument can take; mirrors the runtime's {@code ValueType.Kind} constant for constant. */
public enum ValueKind {
  BOOLEAN(TypeName.BOOLEAN, "java.lang.Boolean"),
  BYTE(TypeName.BYTE, "java.lang.Byte"),
  SHORT(TypeName.SHORT, "java.lang.Short"),
  INT(TypeName.INT, "java.lang.Integer"),
  LONG(TypeName.LONG, "java.lang.Long"),
  FLOAT(TypeName.FLOAT, "java.lang.Float"),
  DOUBLE(TypeName.DOUBLE, "java.lang.Double"),
  CHAR(TypeName.CHAR, "java.lang.Character"),
  STRING(null, "java.lang.String"),
  ENUM(null, null),
  LIST(null, null),
  /** {@code Map<String, Object>}: a task's result only. */
  MAP(null, null);

  // JavaPoet's TypeName is immutable, though not annotated so.
  @SuppressWarnings("ImmutableEnumChecker")
  private final TypeName primitive;
  private final String boxName;

  ValueKind(TypeName primitive, String boxName) {
    this.primitive = primitive;
    this.boxName = boxName;
  }

  /** The primitive type, or null for kinds without one. */
  public TypeName primitive() {
    return primitive;
  }

  /** The qualified name of the box (or of {@code String}), or null for enums and lists. */
  public String boxName() {
    return boxName;
  }

  /** The kind whose box or {@code String} has this qualified name, or null. */
  public static ValueKind ofBoxName(String qualifiedName) {
    for (ValueKind kind : values()) {
      if (qualifiedName.equals(kind.boxName)) {
        return kind;
      }
    }
    return null;
  }
}
