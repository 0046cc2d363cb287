package dev.celeriac.processor.writing;

import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import dev.celeriac.processor.ClassNames;
import dev.celeriac.processor.model.DefaultValue;
import dev.celeriac.processor.model.ValueTypeDescriptor;
import dev.celeriac.rules.ValueKind;
import java.util.List;

/** Java expressions for parameter types and default values, as generated code spells them. */
final class Literals {

  private Literals() {}

  /** {@code ValueType.LONG}, {@code ValueType.boxed(ValueType.Kind.LONG)}, {@code ValueType.listOf(...)}... */
  static CodeBlock valueType(ValueTypeDescriptor type) {
    switch (type.kind()) {
      case STRING:
        return CodeBlock.of("$T.STRING", ClassNames.VALUE_TYPE);
      case ENUM:
        return CodeBlock.of("$T.enumOf($T.class)", ClassNames.VALUE_TYPE, type.enumType());
      case LIST:
        return CodeBlock.of("$T.listOf($L)", ClassNames.VALUE_TYPE, valueType(type.element()));
      case MAP:
        return CodeBlock.of("$T.MAP", ClassNames.VALUE_TYPE);
      default:
        return type.primitive()
            ? CodeBlock.of("$T.$N", ClassNames.VALUE_TYPE, type.kind().name())
            : CodeBlock.of("$T.boxed($T.$N)", ClassNames.VALUE_TYPE, ClassNames.VALUE_TYPE_KIND, type.kind().name());
    }
  }

  /** The default as a value of the parameter's boxed type: {@code 10L}, {@code Color.RED}, {@code List.of()}. */
  static CodeBlock defaultValue(ValueTypeDescriptor type, DefaultValue value) {
    if (type.kind() != ValueKind.LIST) {
      return scalar(type, value.values().get(0));
    }
    List<CodeBlock> elements = value.values().stream().map(element -> scalar(type.element(), element)).toList();
    return CodeBlock.of("$T.of($L)", ClassName.get(List.class), CodeBlock.join(elements, ", "));
  }

  private static CodeBlock scalar(ValueTypeDescriptor type, String value) {
    switch (type.kind()) {
      case BOOLEAN:
      case INT:
      case DOUBLE:
        return CodeBlock.of("$L", value);
      case LONG:
        return CodeBlock.of("$LL", value);
      case FLOAT:
        return CodeBlock.of("$Lf", value);
      case SHORT:
        return CodeBlock.of("(short) $L", value);
      case BYTE:
        return CodeBlock.of("(byte) $L", value);
      case CHAR:
        return CodeBlock.of("$L", character(value.charAt(0)));
      case STRING:
        return CodeBlock.of("$S", value);
      case ENUM:
        return CodeBlock.of("$T.$N", type.enumType(), value);
      default:
        throw new IllegalArgumentException("not a scalar: " + type.spelling());
    }
  }

  /** A Java string literal, quotes included, escaped as JavaPoet's {@code $S} escapes it. */
  static String string(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\'') {
        out.append(c);
      } else if (c == '"') {
        out.append("\\\"");
      } else {
        String character = character(c);
        out.append(character, 1, character.length() - 1);
      }
    }
    return out.append('"').toString();
  }

  /** A Java character literal, quotes included. */
  static String character(char c) {
    switch (c) {
      case '\b': return "'\\b'";
      case '\t': return "'\\t'";
      case '\n': return "'\\n'";
      case '\f': return "'\\f'";
      case '\r': return "'\\r'";
      case '\'': return "'\\''";
      case '\\': return "'\\\\'";
      default:
        return Character.isISOControl(c) || Character.isSurrogate(c) || c > 0x7e
            ? String.format("'\\u%04x'", (int) c)
            : "'" + c + "'";
    }
  }
}
