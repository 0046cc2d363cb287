package dev.celeriac.protocol;

import dev.celeriac.ValueType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The plain values a message carries ({@link JsonValues}) as the Java types a task declares: a worker binds
 * arguments with it, and {@code TaskRef.get} a result, so both convert by one rule. An integral value must fit its
 * type.
 */
public final class TypedValues {

  private TypedValues() {}

  /**
   * Converts a JSON-decoded value (an argument, a task's result) to {@code type}'s Java type, boxed; null stays null.
   *
   * @param path names the value in the error, as {@code argument 'path'}
   * @throws ValueConversionException when it does not convert
   */
  public static Object convert(Object raw, ValueType type, String path) {
    return raw == null ? null : convertPresent(raw, type, path);
  }

  private static Object convertPresent(Object raw, ValueType type, String path) {
    String what = "argument '" + path + "'";
    switch (type.kind()) {
      case BOOLEAN:
        if (raw instanceof Boolean) {
          return raw;
        }
        throw mismatch(what, type, raw);
      case BYTE:
        return (byte) integral(raw, Byte.MIN_VALUE, Byte.MAX_VALUE, what, type);
      case SHORT:
        return (short) integral(raw, Short.MIN_VALUE, Short.MAX_VALUE, what, type);
      case INT:
        return (int) integral(raw, Integer.MIN_VALUE, Integer.MAX_VALUE, what, type);
      case LONG:
        return integral(raw, Long.MIN_VALUE, Long.MAX_VALUE, what, type);
      case FLOAT:
        if (raw instanceof Number number && !(raw instanceof BigInteger big && big.bitLength() > 127)) {
          return number.floatValue();
        }
        throw mismatch(what, type, raw);
      case DOUBLE:
        if (raw instanceof Number number) {
          return number.doubleValue();
        }
        throw mismatch(what, type, raw);
      case CHAR:
        if (raw instanceof String text && text.length() == 1) {
          return text.charAt(0);
        }
        throw mismatch(what, type, raw);
      case STRING:
        if (raw instanceof String) {
          return raw;
        }
        // kombu 5.3+ tags datetimes, decimals and UUIDs; their text is what a String parameter wants.
        if (raw instanceof TemporalAccessor || raw instanceof BigDecimal || raw instanceof UUID) {
          return raw.toString();
        }
        throw mismatch(what, type, raw);
      case ENUM:
        return enumConstant(raw, type, what);
      case LIST: {
        if (!(raw instanceof List<?> list)) {
          throw mismatch(what, type, raw);
        }
        List<Object> converted = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
          Object element = list.get(i);
          converted.add(element == null ? null : convertPresent(element, type.element(), path + "[" + i + "]"));
        }
        return Collections.unmodifiableList(converted);
      }
      case MAP:
        if (raw instanceof Map<?, ?>) {
          return raw;
        }
        throw mismatch(what, type, raw);
      default:
        throw new IllegalStateException("unknown kind " + type.kind());
    }
  }

  private static long integral(Object raw, long min, long max, String what, ValueType type) {
    if (raw instanceof Integer || raw instanceof Long) {
      long value = ((Number) raw).longValue();
      if (value >= min && value <= max) {
        return value;
      }
      throw new ValueConversionException(what + " is " + value + ", out of range for " + type);
    }
    if (raw instanceof BigInteger big) {
      throw new ValueConversionException(what + " is " + big + ", out of range for " + type);
    }
    throw mismatch(what, type, raw);
  }

  private static Object enumConstant(Object raw, ValueType type, String what) {
    if (raw instanceof String text) {
      for (Enum<?> constant : type.enumType().getEnumConstants()) {
        if (constant.name().equals(text)) {
          return constant;
        }
      }
      throw new ValueConversionException(what + " is '" + text + "', not a constant of " + type + " "
          + type.enumConstants());
    }
    throw mismatch(what, type, raw);
  }

  private static ValueConversionException mismatch(String what, ValueType type, Object raw) {
    return new ValueConversionException(what + " should be " + describe(type) + ", but is " + describeValue(raw));
  }

  private static String describe(ValueType type) {
    switch (type.kind()) {
      case CHAR:
        return "a one-character string (" + type + ")";
      case ENUM:
        return "a constant name of " + type;
      default:
        return "a " + type;
    }
  }

  private static String describeValue(Object raw) {
    String text = raw instanceof String ? "'" + raw + "'" : String.valueOf(raw);
    if (text.length() > 80) {
      text = text.substring(0, 77) + "...";
    }
    String kind = raw instanceof String ? "string" : raw instanceof Boolean ? "boolean"
        : raw instanceof Number ? "number" : raw instanceof List ? "list" : raw instanceof Map ? "object"
        : raw.getClass().getSimpleName();
    return "the " + kind + " " + text;
  }
}
