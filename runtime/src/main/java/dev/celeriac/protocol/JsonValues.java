package dev.celeriac.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
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
 * Double, List, Map and null, and kombu 5.3+ typed values. Written with Jackson; read by {@link JsonReader}.
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

  /** Writes a JSON-like Java value (what {@link #toWire} returns, or what {@link #read} returned). */
  public static void write(JsonGenerator out, Object value) throws IOException {
    if (value == null) {
      out.writeNull();
    } else if (value instanceof String text) {
      out.writeString(text);
    } else if (value instanceof Boolean bool) {
      out.writeBoolean(bool);
    } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      out.writeNumber(((Number) value).intValue());
    } else if (value instanceof Long number) {
      out.writeNumber(number);
    } else if (value instanceof Double number) {
      out.writeNumber(number);
    } else if (value instanceof Float number) {
      out.writeNumber(number);
    } else if (value instanceof BigInteger number) {
      out.writeNumber(number);
    } else if (value instanceof BigDecimal number) {
      out.writeNumber(number);
    } else if (value instanceof List<?> list) {
      out.writeStartArray();
      for (Object element : list) {
        write(out, element);
      }
      out.writeEndArray();
    } else if (value instanceof Map<?, ?> map) {
      out.writeStartObject();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        out.writeFieldName(String.valueOf(entry.getKey()));
        write(out, entry.getValue());
      }
      out.writeEndObject();
    } else {
      // A kombu 5.3+ typed value read from a message goes back out tagged as kombu wrote it.
      String type = value instanceof OffsetDateTime || value instanceof LocalDateTime ? "datetime"
          : value instanceof LocalDate ? "date"
          : value instanceof LocalTime ? "time"
          : value instanceof UUID ? "uuid"
          : value instanceof byte[] ? "base64"
          : null;
      if (type == null) {
        throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
      }
      out.writeStartObject();
      out.writeStringField("__type__", type);
      out.writeFieldName("__value__");
      if (value instanceof UUID uuid) {
        out.writeStartObject();
        out.writeStringField("hex", uuid.toString());
        out.writeEndObject();
      } else if (value instanceof byte[] bytes) {
        out.writeString(Base64.getEncoder().encodeToString(bytes));
      } else {
        out.writeString(value.toString());
      }
      out.writeEndObject();
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
