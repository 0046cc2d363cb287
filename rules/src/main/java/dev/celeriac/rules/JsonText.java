package dev.celeriac.rules;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON people write by hand: tasks.json and the committed task schema ({@link TasksJson}), and the arrays of
 * {@code @Default} on a {@code List} parameter. Reads one document into plain Java values ({@code Map<String,
 * Object>} in file order, {@code List}, {@code String}, {@code BigDecimal}, which keeps a number's digits, {@code
 * Boolean} and {@code null}) and writes string literals. Small and strict on purpose, with messages that say
 * where: the processor, which shades it, has no JSON library on its class path. Messages on the wire are the
 * runtime's own JSON's business (dev.celeriac.protocol), which is tuned for them.
 */
public final class JsonText {

  /** Thrown for text that is not JSON; the message says where (line and column) and why. */
  public static final class SyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxException(String message) {
      super(message, null, false, false);
    }
  }

  private static final int MAX_DEPTH = 64;

  private final String text;
  private int position;
  private int depth;

  private JsonText(String text) {
    this.text = text;
  }

  /** The value {@code text} holds; nothing but white space may follow it. */
  public static Object read(String text) throws SyntaxException {
    JsonText reader = new JsonText(text);
    reader.skipSpace();
    Object value = reader.value();
    reader.skipSpace();
    if (reader.position < text.length()) {
      throw reader.error("unexpected text after the document");
    }
    return value;
  }

  /** {@code value} as a JSON string literal: quotes, backslashes and control characters escaped. */
  public static String quote(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private Object value() throws SyntaxException {
    if (position >= text.length()) {
      throw error("the document ends too early");
    }
    char c = text.charAt(position);
    switch (c) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return string();
      case 't':
        return word("true", true);
      case 'f':
        return word("false", false);
      case 'n':
        return word("null", null);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("expected a value, found '" + c + "'");
    }
  }

  private Map<String, Object> object() throws SyntaxException {
    enter();
    Map<String, Object> members = new LinkedHashMap<>();
    position++;
    skipSpace();
    if (peek() == '}') {
      position++;
      depth--;
      return members;
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw error("expected a member name in double quotes");
      }
      int keyAt = position;
      String key = string();
      skipSpace();
      expect(':');
      skipSpace();
      Object value = value();
      if (members.containsKey(key)) {
        position = keyAt;
        throw error("member \"" + key + "\" appears twice");
      }
      members.put(key, value);
      skipSpace();
      char next = peek();
      position++;
      if (next == '}') {
        depth--;
        return members;
      }
      if (next != ',') {
        position--;
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array() throws SyntaxException {
    enter();
    List<Object> elements = new ArrayList<>();
    position++;
    skipSpace();
    if (peek() == ']') {
      position++;
      depth--;
      return elements;
    }
    while (true) {
      skipSpace();
      elements.add(value());
      skipSpace();
      char next = peek();
      position++;
      if (next == ']') {
        depth--;
        return elements;
      }
      if (next != ',') {
        position--;
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() throws SyntaxException {
    int start = position;
    position++;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (position >= text.length()) {
        position = start;
        throw error("unterminated string");
      }
      char c = text.charAt(position++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        position--;
        throw error("control character in a string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char escape = peek();
      position++;
      switch (escape) {
        case '"', '\\', '/' -> out.append(escape);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (position + 4 > text.length()) {
            throw error("short \\u escape");
          }
          try {
            out.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
          } catch (NumberFormatException e) {
            throw error("bad \\u escape");
          }
          position += 4;
        }
        default -> {
          position -= 2;
          throw error("unknown escape \\" + escape);
        }
      }
    }
  }

  private BigDecimal number() throws SyntaxException {
    int start = position;
    while (position < text.length() && "+-.0123456789eE".indexOf(text.charAt(position)) >= 0) {
      position++;
    }
    String literal = text.substring(start, position);
    if (!literal.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?")) {
      position = start;
      throw error("bad number " + literal);
    }
    return new BigDecimal(literal);
  }

  private Object word(String word, Object value) throws SyntaxException {
    if (!text.startsWith(word, position)) {
      throw error("expected a value");
    }
    position += word.length();
    return value;
  }

  private void enter() throws SyntaxException {
    if (++depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH + " levels");
    }
  }

  private void expect(char c) throws SyntaxException {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    position++;
  }

  private char peek() throws SyntaxException {
    if (position >= text.length()) {
      throw error("the document ends too early");
    }
    return text.charAt(position);
  }

  private void skipSpace() {
    while (position < text.length() && " \t\r\n".indexOf(text.charAt(position)) >= 0) {
      position++;
    }
  }

  private SyntaxException error(String what) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < Math.min(position, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return new SyntaxException(what + " at line " + line + ", column " + column);
  }
}
