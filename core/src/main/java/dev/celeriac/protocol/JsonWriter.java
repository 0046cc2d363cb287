package dev.celeriac.protocol;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Writes the JSON of what a producer sends for every message, the kombu envelope and the body, into one
 * growing array: the same bytes Jackson's generator wrote (a test holds the two to that), at about half the
 * cost per message, most of which went to the generator's per-call checks. The caller writes commas and
 * colons through {@link #comma} and {@link #name}; {@link #value} writes any value {@link JsonValues}
 * describes.
 */
final class JsonWriter {

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};
  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};

  private byte[] out;
  private int length;

  JsonWriter(int capacity) {
    out = new byte[Math.max(16, capacity)];
  }

  byte[] toByteArray() {
    return Arrays.copyOf(out, length);
  }

  JsonWriter raw(char c) {
    ensure(1);
    out[length++] = (byte) c;
    return this;
  }

  /** A comma, unless {@code first}. */
  JsonWriter comma(boolean first) {
    return first ? this : raw(',');
  }

  /** {@code "name":} */
  JsonWriter name(String name) {
    string(name);
    return raw(':');
  }

  /** A string with JSON's escapes, as Jackson writes them: short ones where they exist, else {@code \\u00XX}. */
  JsonWriter string(String text) {
    int n = text.length();
    ensure(n + 2);
    out[length++] = '"';
    int i = 0;
    // ASCII without anything to escape goes straight in.
    for (; i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
        break;
      }
      out[length++] = (byte) c;
    }
    if (i < n) {
      rest(text, i);
    }
    out[length++] = '"';
    return this;
  }

  private void rest(String text, int from) {
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      ensure(12 + (text.length() - i) * 3);
      if (Character.isSurrogate(c)) {
        // As Jackson: a character beyond the BMP as its two escaped UTF-16 units, which Python reads back.
        if (!Character.isHighSurrogate(c) || i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          throw new IllegalArgumentException("a string holds a lone surrogate U+" + Integer.toHexString(c).toUpperCase(Locale.ROOT));
        }
        unicodeEscape(c);
        unicodeEscape(text.charAt(++i));
      } else if (c >= 0x800) {
        out[length++] = (byte) (0xe0 | c >> 12);
        out[length++] = (byte) (0x80 | (c >> 6 & 0x3f));
        out[length++] = (byte) (0x80 | (c & 0x3f));
      } else if (c >= 0x80) {
        out[length++] = (byte) (0xc0 | c >> 6);
        out[length++] = (byte) (0x80 | (c & 0x3f));
      } else if (c == '"' || c == '\\') {
        out[length++] = '\\';
        out[length++] = (byte) c;
      } else if (c >= 0x20) {
        out[length++] = (byte) c;
      } else {
        char shortEscape = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : c == '\b' ? 'b' : c == '\f' ? 'f' : 0;
        if (shortEscape != 0) {
          out[length++] = '\\';
          out[length++] = (byte) shortEscape;
        } else {
          unicodeEscape(c);
        }
      }
    }
  }

  private void unicodeEscape(char c) {
    out[length++] = '\\';
    out[length++] = 'u';
    out[length++] = HEX[c >> 12];
    out[length++] = HEX[c >> 8 & 0xf];
    out[length++] = HEX[c >> 4 & 0xf];
    out[length++] = HEX[c & 0xf];
  }

  /** A byte array as a base64 string. */
  JsonWriter base64(byte[] bytes) {
    byte[] encoded = Base64.getEncoder().encode(bytes);
    ensure(encoded.length + 2);
    out[length++] = '"';
    System.arraycopy(encoded, 0, out, length, encoded.length);
    length += encoded.length;
    out[length++] = '"';
    return this;
  }

  /** Any value of those that travel (see {@link JsonValues}), written as Jackson wrote it. */
  JsonWriter value(Object value) {
    if (value == null) {
      return bytes(NULL);
    }
    if (value instanceof String text) {
      return string(text);
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return number(((Number) value).longValue());
    }
    if (value instanceof BigInteger) {
      return ascii(value.toString());
    }
    if (value instanceof Boolean bool) {
      return bytes(bool ? TRUE : FALSE);
    }
    if (value instanceof Map<?, ?> map) {
      raw('{');
      boolean first = true;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        comma(first).name(String.valueOf(entry.getKey())).value(entry.getValue());
        first = false;
      }
      return raw('}');
    }
    if (value instanceof List<?> list) {
      raw('[');
      for (int i = 0; i < list.size(); i++) {
        comma(i == 0).value(list.get(i));
      }
      return raw(']');
    }
    if (value instanceof Double number) {
      // As Jackson's default: the non-finite ones as strings, which Python reads as such.
      return number.isNaN() || number.isInfinite() ? string(number.toString()) : ascii(number.toString());
    }
    if (value instanceof Float number) {
      return number.isNaN() || number.isInfinite() ? string(number.toString()) : ascii(number.toString());
    }
    if (value instanceof BigDecimal number) {
      return ascii(number.toString());
    }
    return typed(value);
  }

  /** A kombu 5.3+ typed value read from a message goes back out tagged as kombu wrote it. */
  private JsonWriter typed(Object value) {
    String type = value instanceof OffsetDateTime || value instanceof LocalDateTime ? "datetime"
        : value instanceof LocalDate ? "date"
        : value instanceof LocalTime ? "time"
        : value instanceof UUID ? "uuid"
        : value instanceof byte[] ? "base64"
        : null;
    if (type == null) {
      throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
    }
    raw('{').name("__type__").string(type).raw(',').name("__value__");
    if (value instanceof UUID uuid) {
      raw('{').name("hex").string(uuid.toString()).raw('}');
    } else if (value instanceof byte[] bytes) {
      base64(bytes);
    } else {
      string(value.toString());
    }
    return raw('}');
  }

  /** A whole number, digit by digit: no string for the small ones every message has. */
  private JsonWriter number(long value) {
    if (value == Long.MIN_VALUE) {
      return ascii(Long.toString(value));
    }
    ensure(20);
    if (value < 0) {
      out[length++] = '-';
      value = -value;
    }
    int digits = 1;
    for (long rest = value / 10; rest > 0; rest /= 10) {
      digits++;
    }
    for (int i = length + digits - 1; i >= length; i--) {
      out[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    length += digits;
    return this;
  }

  private JsonWriter ascii(String text) {
    int n = text.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      out[length++] = (byte) text.charAt(i);
    }
    return this;
  }

  private JsonWriter bytes(byte[] literal) {
    ensure(literal.length);
    System.arraycopy(literal, 0, out, length, literal.length);
    length += literal.length;
    return this;
  }

  private void ensure(int more) {
    if (length + more > out.length) {
      out = Arrays.copyOf(out, Math.max(out.length * 2, length + more));
    }
  }
}
