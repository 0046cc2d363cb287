package dev.celeriac.result;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * JSON as Python's {@code json.dumps} writes it with its defaults, which kombu's JSON serializer keeps:
 * {@code ", "} and {@code ": "} separators, every non-ASCII character escaped ({@code ensure_ascii}), lowercase
 * hex, floats as Python's {@code repr} spells them, {@code NaN} and {@code Infinity} allowed.
 */
public final class PythonJson {

  private PythonJson() {}

  /** The text of {@code value}: null, Boolean, Number, String, enum (its name), List, Map. */
  public static String dumps(Object value) {
    StringBuilder out = new StringBuilder(128);
    write(out, value);
    return out.toString();
  }

  static void write(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String text) {
      string(out, text);
    } else if (value instanceof Boolean flag) {
      out.append(flag ? "true" : "false");
    } else if (value instanceof Double || value instanceof Float) {
      out.append(PythonFloats.repr(((Number) value).doubleValue()));
    } else if (value instanceof BigDecimal decimal) {
      out.append(PythonFloats.repr(decimal.doubleValue()));
    } else if (value instanceof Number number) {
      out.append(number instanceof BigInteger ? number.toString() : Long.toString(number.longValue()));
    } else if (value instanceof Character c) {
      string(out, c.toString());
    } else if (value instanceof Enum<?> constant) {
      string(out, constant.name());
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
      while (entries.hasNext()) {
        Map.Entry<?, ?> entry = entries.next();
        string(out, String.valueOf(entry.getKey()));
        out.append(": ");
        write(out, entry.getValue());
        if (entries.hasNext()) {
          out.append(", ");
        }
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(", ");
        }
        write(out, list.get(i));
      }
      out.append(']');
    } else {
      string(out, value.toString());
    }
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  static void string(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append("\\u").append(HEX[(c >> 12) & 15]).append(HEX[(c >> 8) & 15]).append(HEX[(c >> 4) & 15])
                .append(HEX[c & 15]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
