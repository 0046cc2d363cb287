package dev.celeriac.processor.model;

import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.ParameterizedTypeName;
import com.squareup.javapoet.TypeName;
import dev.celeriac.rules.ValueKind;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.lang.model.SourceVersion;

/**
 * The checked type of one task parameter.
 *
 * @param kind the shape
 * @param primitive whether it is one of the eight primitives (and so required unless it has a default)
 * @param enumType the enum, for {@link ValueKind#ENUM}; otherwise null
 * @param enumBinaryName the enum's binary name, as {@link Class#getName()} spells it; otherwise null
 * @param enumConstants the enum's constant names in declaration order; otherwise empty
 * @param element the element type, for {@link ValueKind#LIST}; otherwise null
 */
public record ValueTypeDescriptor(ValueKind kind, boolean primitive, ClassName enumType, String enumBinaryName,
    List<String> enumConstants, ValueTypeDescriptor element) {

  /** How tasks.json spells a {@code Map<String, Object>} result. */
  public static final String MAP_SPELLING = "java.util.Map<java.lang.String, java.lang.Object>";

  public ValueTypeDescriptor {
    Objects.requireNonNull(kind);
    enumConstants = List.copyOf(enumConstants);
  }

  /** A primitive, for example {@code long}. */
  public static ValueTypeDescriptor primitive(ValueKind kind) {
    return new ValueTypeDescriptor(kind, true, null, null, List.of(), null);
  }

  /** A box or {@code String}. */
  public static ValueTypeDescriptor boxed(ValueKind kind) {
    return new ValueTypeDescriptor(kind, false, null, null, List.of(), null);
  }

  /** An enum. */
  public static ValueTypeDescriptor enumOf(ClassName type, String binaryName, List<String> constants) {
    return new ValueTypeDescriptor(ValueKind.ENUM, false, type, binaryName, constants, null);
  }

  /** A {@code List} of a box, {@code String} or enum. */
  public static ValueTypeDescriptor listOf(ValueTypeDescriptor element) {
    return new ValueTypeDescriptor(ValueKind.LIST, false, null, null, List.of(), element);
  }

  /** {@code Map<String, Object>} of JSON values: a task's result only. */
  public static ValueTypeDescriptor map() {
    return new ValueTypeDescriptor(ValueKind.MAP, false, null, null, List.of(), null);
  }

  /** The Java type of a parameter of this type. */
  public TypeName javaType() {
    switch (kind) {
      case ENUM:
        return enumType;
      case LIST:
        return ParameterizedTypeName.get(ClassName.get(List.class), element.javaType());
      case MAP:
        return ParameterizedTypeName.get(ClassName.get(java.util.Map.class), ClassName.get(String.class),
            ClassName.get(Object.class));
      default:
        return primitive ? TypeName.get(kind.primitive()) : ClassName.get(kind.box());
    }
  }

  /** The type as tools read it: {@code long}, {@code java.lang.Long}, {@code java.util.List<com.acme.Color>}. */
  public String spelling() {
    switch (kind) {
      case ENUM:
        return enumBinaryName;
      case LIST:
        return "java.util.List<" + element.spelling() + ">";
      case MAP:
        return MAP_SPELLING;
      default:
        return primitive ? kind.primitive().getName() : kind.boxName();
    }
  }

  /**
   * The type that {@link #spelling()} and, for an enum or a list of one, {@code enumConstants} describe, as
   * tasks.json records it; empty when the spelling is none of the allowed types.
   */
  public static Optional<ValueTypeDescriptor> fromSpelling(String spelling, Optional<List<String>> enumConstants) {
    if (spelling.equals(MAP_SPELLING)) {
      return enumConstants.isPresent() ? Optional.empty() : Optional.of(map());
    }
    String listPrefix = "java.util.List<";
    if (spelling.startsWith(listPrefix) && spelling.endsWith(">")) {
      return fromSpelling(spelling.substring(listPrefix.length(), spelling.length() - 1), enumConstants)
          .filter(element -> !element.primitive() && element.kind() != ValueKind.LIST)
          .map(ValueTypeDescriptor::listOf);
    }
    ValueKind primitiveKind = ValueKind.ofPrimitiveName(spelling);
    if (primitiveKind != null) {
      return enumConstants.isPresent() ? Optional.empty() : Optional.of(primitive(primitiveKind));
    }
    ValueKind boxed = ValueKind.ofBoxName(spelling);
    if (boxed != null) {
      return enumConstants.isPresent() ? Optional.empty() : Optional.of(boxed(boxed));
    }
    if (enumConstants.isEmpty() || !isBinaryName(spelling)) {
      return Optional.empty();
    }
    int dot = spelling.lastIndexOf('.', spelling.indexOf('$') < 0 ? spelling.length() : spelling.indexOf('$'));
    String packageName = dot < 0 ? "" : spelling.substring(0, dot);
    String[] simpleNames = spelling.substring(dot + 1).split("\\$", -1);
    ClassName type = ClassName.get(packageName, simpleNames[0],
        Arrays.copyOfRange(simpleNames, 1, simpleNames.length));
    return Optional.of(enumOf(type, spelling, enumConstants.get()));
  }

  private static boolean isBinaryName(String name) {
    for (String part : name.split("[.$]", -1)) {
      if (!SourceVersion.isIdentifier(part)) {
        return false;
      }
    }
    return true;
  }
}
