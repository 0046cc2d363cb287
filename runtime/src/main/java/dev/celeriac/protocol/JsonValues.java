package dev.celeriac.protocol;

import com.fasterxml.jackson.databind.JsonNode;
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
