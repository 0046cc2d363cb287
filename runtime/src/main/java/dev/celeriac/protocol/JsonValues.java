package dev.celeriac.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Conversion between JSON trees and the plain Java values that travel in arguments and headers: String,
 * Boolean, Integer/Long/BigInteger, Double, List, Map and null.
 */
public final class JsonValues {

  private JsonValues() {}

  /**
   * The Java value of a JSON node. Integers become the smallest of Integer, Long or BigInteger that holds
   * them; kombu 5.3+ typed objects ({@code {"__type__": ..., "__value__": ...}}) become java.time values,
   * {@link BigDecimal}, {@link UUID} or byte arrays.
   */
  public static Object toJava(JsonNode node) {
    switch (node.getNodeType()) {
      case NULL:
      case MISSING:
        return null;
      case BOOLEAN:
        return node.booleanValue();
      case STRING:
        return node.textValue();
      case NUMBER:
        if (node.isIntegralNumber()) {
          if (node.canConvertToInt()) {
            return node.intValue();
          }
          return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
        }
        return node.doubleValue();
      case ARRAY: {
        List<Object> list = new ArrayList<>(node.size());
        for (JsonNode element : node) {
          list.add(toJava(element));
        }
        return Collections.unmodifiableList(list);
      }
      case OBJECT: {
        if (node.size() == 2 && node.has("__type__") && node.has("__value__")) {
          return kombuTyped(node.get("__type__").asText(), node.get("__value__"));
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          map.put(field.getKey(), toJava(field.getValue()));
        }
        return Collections.unmodifiableMap(map);
      }
      default:
        throw new MalformedMessageException("unsupported JSON value: " + node.getNodeType());
    }
  }

  private static Object kombuTyped(String type, JsonNode value) {
    try {
      switch (type) {
        case "datetime": {
          String text = value.asText();
          try {
            return OffsetDateTime.parse(text);
          } catch (DateTimeParseException naive) {
            return LocalDateTime.parse(text);
          }
        }
        case "date":
          return LocalDate.parse(value.asText());
        case "time":
          return LocalTime.parse(value.asText());
        case "decimal":
          return new BigDecimal(value.asText());
        case "uuid":
          return UUID.fromString(value.isObject() ? value.path("hex").asText() : value.asText());
        case "bytes":
          return value.asText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        case "base64":
          return Base64.getDecoder().decode(value.asText());
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
   * Reads the value the parser stands on (its current token) as {@link #toJava(JsonNode)} would convert
   * it, without building a tree: integers as Integer, Long or BigInteger, other numbers as Double, kombu
   * 5.3+ typed objects as Java values, arrays and objects as unmodifiable lists and maps.
   */
  public static Object read(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == null) {
      throw new MalformedMessageException("unexpected end of JSON");
    }
    switch (token) {
      case VALUE_NULL:
        return null;
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_STRING:
        return parser.getText();
      case VALUE_NUMBER_INT:
        switch (parser.getNumberType()) {
          case INT:
            return parser.getIntValue();
          case LONG:
            return parser.getLongValue();
          default:
            return parser.getBigIntegerValue();
        }
      case VALUE_NUMBER_FLOAT:
        return parser.getDoubleValue();
      case START_ARRAY: {
        List<Object> list = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          list.add(read(parser));
        }
        return Collections.unmodifiableList(list);
      }
      case START_OBJECT: {
        Map<String, Object> map = readObject(parser);
        if (map.size() == 2 && map.containsKey("__type__") && map.containsKey("__value__")) {
          return kombuTyped(String.valueOf(map.get("__type__")), MessageCodec.MAPPER.valueToTree(map.get("__value__")));
        }
        return Collections.unmodifiableMap(map);
      }
      default:
        throw new MalformedMessageException("unexpected JSON token " + token);
    }
  }

  /** Reads the object the parser stands on (at its START_OBJECT) into a mutable, ordered map. */
  static Map<String, Object> readObject(JsonParser parser) throws IOException {
    Map<String, Object> map = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      map.put(name, read(parser));
    }
    return map;
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
