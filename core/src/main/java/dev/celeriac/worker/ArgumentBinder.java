package dev.celeriac.worker;

import dev.celeriac.Parameter;
import dev.celeriac.TaskDefinition;
import dev.celeriac.ValueType;
import dev.celeriac.protocol.TaskPayload;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Binds a message's arguments to a task's parameters: positional {@code args} in declaration order, then
 * {@code kwargs} by keyword; keywords the task does not name go to the extras map. Every value is
 * converted to the parameter's exact Java type, or the message is refused with the keyword named.
 */
public final class ArgumentBinder {

  private ArgumentBinder() {}

  /**
   * The invoker's arguments: one per parameter (boxed for primitives), then the unmodifiable extras map.
   *
   * @throws ArgumentException naming every argument that is missing or does not convert
   */
  public static Object[] bind(TaskDefinition task, TaskPayload payload) {
    List<Parameter> parameters = task.parameters();
    List<Object> args = payload.args();
    if (args.size() > parameters.size()) {
      throw new ArgumentException(args.size() + " positional arguments for task '" + task.name() + "', which takes "
          + parameters.size() + " (" + keywords(parameters) + ")");
    }
    Object[] bound = new Object[parameters.size() + 1];
    Map<String, Object> extras = new LinkedHashMap<>(payload.kwargs());
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < parameters.size(); i++) {
      Parameter parameter = parameters.get(i);
      boolean positional = i < args.size();
      boolean keyword = extras.containsKey(parameter.keyword());
      if (positional && keyword) {
        problems.add("argument '" + parameter.keyword() + "' is given both by position and by keyword");
        continue;
      }
      Object raw = positional ? args.get(i) : extras.remove(parameter.keyword());
      boolean present = positional || keyword;
      try {
        bound[i] = valueFor(parameter, present, raw);
      } catch (ArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new ArgumentException(String.join("; ", problems));
    }
    bound[parameters.size()] = Collections.unmodifiableMap(extras);
    return bound;
  }

  private static Object valueFor(Parameter parameter, boolean present, Object raw) {
    if (!present) {
      if (parameter.hasDefault()) {
        return parameter.defaultValue();
      }
      if (parameter.isRequired()) {
        throw new ArgumentException("missing required argument '" + parameter.keyword() + "' ("
            + parameter.type() + ")");
      }
      return null;
    }
    if (raw == null) {
      // An explicit None binds as null, as in Python; only a primitive falls back to its default.
      if (!parameter.type().isPrimitive()) {
        return null;
      }
      if (parameter.hasDefault()) {
        return parameter.defaultValue();
      }
      throw new ArgumentException("argument '" + parameter.keyword() + "' is null, but " + parameter.type()
          + " can't be null");
    }
    return convert(raw, parameter.type(), parameter.keyword());
  }

  /**
   * Converts a JSON-decoded value (a task's result, say) to {@code type}'s Java type, boxed; null stays null.
   *
   * @throws ArgumentException when it does not convert, naming {@code what}
   */
  public static Object convertValue(Object raw, ValueType type, String what) {
    return raw == null ? null : convert(raw, type, what);
  }

  /** Converts a JSON-decoded value to {@code type}'s Java type, boxed; {@code path} names it in errors. */
  static Object convert(Object raw, ValueType type, String path) {
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
          converted.add(element == null ? null : convert(element, type.element(), path + "[" + i + "]"));
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
      throw new ArgumentException(what + " is " + value + ", out of range for " + type);
    }
    if (raw instanceof BigInteger big) {
      throw new ArgumentException(what + " is " + big + ", out of range for " + type);
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
      throw new ArgumentException(what + " is '" + text + "', not a constant of " + type + " "
          + type.enumConstants());
    }
    throw mismatch(what, type, raw);
  }

  private static ArgumentException mismatch(String what, ValueType type, Object raw) {
    return new ArgumentException(what + " should be " + describe(type) + ", but is " + describeValue(raw));
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

  private static String keywords(List<Parameter> parameters) {
    List<String> names = new ArrayList<>();
    for (Parameter parameter : parameters) {
      names.add(parameter.keyword());
    }
    return String.join(", ", names);
  }
}
