package dev.celeriac.protocol;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The plain Java values that travel in arguments and headers: String, Boolean, Integer/Long/BigInteger,
 * Double, List, Map and null, and kombu 5.3+ typed values. Written by {@link JsonWriter}, read by {@link JsonReader}.
 */
public final class JsonValues {

  private JsonValues() {}

  /**
   * The Java value of a kombu 5.3+ typed object, {@code {"__type__": type, "__value__": value}}: java.time
   * values, {@link BigDecimal}, {@link UUID} or byte arrays.
   *
   * @throws MalformedMessageException for an unknown type or a value that does not parse as it
   */
  static Object kombuTyped(String type, Object value) {
    String text = String.valueOf(value);
    try {
      switch (type) {
        case "datetime":
          try {
            return OffsetDateTime.parse(text);
          } catch (DateTimeParseException naive) {
            return LocalDateTime.parse(text);
          }
        case "date":
          return LocalDate.parse(text);
        case "time":
          return LocalTime.parse(text);
        case "decimal":
          return new BigDecimal(text);
        case "uuid":
          return UUID.fromString(value instanceof Map<?, ?> hex ? String.valueOf(hex.get("hex")) : text);
        case "bytes":
          return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        case "base64":
          return Base64.getDecoder().decode(text);
        default:
          throw new MalformedMessageException("unknown kombu value type '" + type + "'");
      }
    } catch (RuntimeException e) {
      if (e instanceof MalformedMessageException) {
        throw e;
      }
      throw new MalformedMessageException("bad kombu " + type + " value " + value + ": " + e.getMessage(), e);
    }
  }

  /**
   * A value made ready for the wire: enums by constant name, characters as one-character strings, UUIDs as
   * text, collections as lists, maps with string keys as maps; other JSON-like values unchanged.
   *
   * @throws IllegalArgumentException for anything else, naming where it was found
   */
  public static Object toWire(Object value, String where) {
    if (value == null || value instanceof String || value instanceof Boolean
        || value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
        || value instanceof Double || value instanceof Float || value instanceof BigInteger
        || value instanceof BigDecimal) {
      return value;
    }
    if (value instanceof Enum<?> constant) {
      return constant.name();
    }
    if (value instanceof Character c) {
      return c.toString();
    }
    if (value instanceof UUID uuid) {
      return uuid.toString();
    }
    if (value instanceof Collection<?> collection) {
      List<Object> list = new ArrayList<>(collection.size());
      int i = 0;
      for (Object element : collection) {
        list.add(toWire(element, where + "[" + i++ + "]"));
      }
      return list;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof String key)) {
          throw new IllegalArgumentException(where + " has a non-string key " + entry.getKey());
        }
        copy.put(key, toWire(entry.getValue(), where + "." + key));
      }
      return copy;
    }
    throw new IllegalArgumentException(where + " is a " + value.getClass().getName()
        + "; only strings, numbers, booleans, enums, lists and maps travel in a message");
  }
}
