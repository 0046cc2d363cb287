package dev.celeriac.broker.amqp;

import com.rabbitmq.client.LongString;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts message headers between the JSON-like values of a {@code TaskMessage} and AMQP field tables, in
 * the types both amqp-client and py-amqp read the same way (docs/wire-format.md §4.2): strings, 32-bit integers,
 * booleans, doubles, void, arrays and tables. Never {@code s} or {@code b}.
 *
 * <p>64-bit integers: received, both {@code l} and py-amqp's {@code L} (rewritten to {@code l} by
 * {@link ContentHeaderFrames}) are a {@code Long}. Sent, a long outside the 32-bit range goes as {@code l}
 * when it is not negative. py-amqp reads {@code l} as unsigned (every version to date), and RabbitMQ writes
 * every 64-bit integer as {@code l} when it dead-letters a message, as the delay levels do; so a negative one
 * goes as its decimal string, the one form that reaches a Python worker with its value on every route.
 */
final class AmqpHeaders {

  private AmqpHeaders() {}

  /** A field table for these headers. */
  static Map<String, Object> toTable(Map<String, Object> headers) {
    Map<String, Object> table = new LinkedHashMap<>(headers.size() * 2);
    for (Map.Entry<String, Object> entry : headers.entrySet()) {
      table.put(entry.getKey(), toField(entry.getValue()));
    }
    return table;
  }

  private static Object toField(Object value) {
    if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
        || value instanceof Double) {
      return value;
    }
    if (value instanceof Short || value instanceof Byte) {
      return ((Number) value).intValue();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    if (value instanceof Long || value instanceof java.math.BigInteger) {
      Number number = (Number) value;
      long exact = number.longValue();
      if (exact >= Integer.MIN_VALUE && exact <= Integer.MAX_VALUE && value instanceof Long) {
        return (int) exact;
      }
      return value instanceof Long && exact >= 0 ? (Object) exact : value.toString();
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.doubleValue();
    }
    if (value instanceof List<?> list) {
      List<Object> fields = new ArrayList<>(list.size());
      for (Object element : list) {
        fields.add(toField(element));
      }
      return fields;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> table = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        table.put(String.valueOf(entry.getKey()), toField(entry.getValue()));
      }
      return table;
    }
    return value.toString();
  }

  /** JSON-like headers from a received field table: {@code LongString} becomes {@code String}, and so on. */
  static Map<String, Object> fromTable(Map<String, Object> table) {
    if (table == null) {
      return new LinkedHashMap<>();
    }
    Map<String, Object> headers = new LinkedHashMap<>(table.size() * 2);
    for (Map.Entry<String, Object> entry : table.entrySet()) {
      headers.put(entry.getKey(), fromField(entry.getValue()));
    }
    return headers;
  }

  private static Object fromField(Object value) {
    if (value instanceof LongString text) {
      return text.toString();
    }
    if (value instanceof List<?> list) {
      List<Object> values = new ArrayList<>(list.size());
      for (Object element : list) {
        values.add(fromField(element));
      }
      return values;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> values = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        values.put(String.valueOf(entry.getKey()), fromField(entry.getValue()));
      }
      return values;
    }
    if (value instanceof Short || value instanceof Byte) {
      return ((Number) value).intValue();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    if (value instanceof Date date) {
      return date.toInstant().toString();
    }
    if (value instanceof byte[] bytes) {
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
    return value;
  }
}
