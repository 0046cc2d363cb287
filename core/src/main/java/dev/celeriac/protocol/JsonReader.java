package dev.celeriac.protocol;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON reader over UTF-8 bytes, for what a worker reads for every message: the kombu envelope,
 * the headers it needs and the body. Jackson's parser is as fast once compiled, but its few very large
 * methods keep the JIT compiler busy for seconds (about two thirds of C2's time in the first 40 000 messages
 * of a worker on two cores); these methods are small. Producing stays with Jackson.
 *
 * <p>It accepts RFC 8259 JSON, plus {@code NaN}, {@code Infinity} and {@code -Infinity}, which Python's
 * {@code json} (and so kombu) writes and reads for floats. Values come out as {@link JsonValues} describes
 * them: strings, booleans, Integer, Long or BigInteger for integers, Double for other numbers, unmodifiable
 * lists and maps (the last of duplicate keys wins), and kombu 5.3+ typed objects as Java values.
 */
final class JsonReader {

  /** Deeper nesting is refused rather than risk the stack: no message of Celery's nests this deep. */
  static final int MAX_DEPTH = 500;

  private final byte[] in;
  private final int end;
  private int pos;
  private int depth;

  JsonReader(byte[] in) {
    this.in = in;
    this.end = in.length;
  }

  /**
   * Reads a whole document: one value and nothing but whitespace after it.
   *
   * @throws MalformedMessageException when the bytes are not such a document
   */
  static Object parse(byte[] json) {
    JsonReader reader = new JsonReader(json);
    Object value = reader.readValue();
    reader.expectEnd();
    return value;
  }

  /** The offset of the next byte to read. */
  int position() {
    return pos;
  }

  /** The next significant byte, not consumed; -1 at the end. */
  int peek() {
    if (pos < end && in[pos] > ' ') {
      return in[pos] & 0xff;
    }
    return skipWhitespace();
  }

  private int skipWhitespace() {
    while (pos < end) {
      byte b = in[pos];
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return b & 0xff;
      }
      pos++;
    }
    return -1;
  }

  /** Consumes {@code c}, which must come next. */
  void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  /** Consumes {@code c} if it comes next; returns whether it did. */
  boolean consume(char c) {
    if (peek() == c) {
      pos++;
      return true;
    }
    return false;
  }

  /** Consumes a {@code null} if it comes next; returns whether it did. */
  boolean consumeNull() {
    if (peek() == 'n') {
      literal("null");
      return true;
    }
    return false;
  }

  /** Checks that only whitespace is left. */
  void expectEnd() {
    if (peek() != -1) {
      throw error("unexpected data after the JSON value");
    }
  }

  /** Reads any value. */
  Object readValue() {
    int next = peek();
    switch (next) {
      case '{':
        return readObject();
      case '[':
        return readArray();
      case '"':
        return readString();
      case 't':
        literal("true");
        return true;
      case 'f':
        literal("false");
        return false;
      case 'n':
        literal("null");
        return null;
      case 'N':
        literal("NaN");
        return Double.NaN;
      case 'I':
        literal("Infinity");
        return Double.POSITIVE_INFINITY;
      default:
        if (next == '-' || (next >= '0' && next <= '9')) {
          return readNumber();
        }
        throw error(next == -1 ? "unexpected end of JSON" : "unexpected character");
    }
  }

  /** Reads an object into an unmodifiable map, or a kombu typed value. */
  Object readObject() {
    Map<String, Object> map = readObjectMap();
    if (map.size() == 2 && map.containsKey("__type__") && map.containsKey("__value__")) {
      return JsonValues.kombuTyped(String.valueOf(map.get("__type__")), map.get("__value__"));
    }
    return Collections.unmodifiableMap(map);
  }

  /** Reads an object into a mutable, ordered map, with no kombu typing of the object itself. */
  Map<String, Object> readObjectMap() {
    expect('{');
    enter();
    Map<String, Object> map = new LinkedHashMap<>();
    if (!consume('}')) {
      do {
        String name = readString();
        expect(':');
        map.put(name, readValue());
      } while (consume(','));
      expect('}');
    }
    depth--;
    return map;
  }

  private List<Object> readArray() {
    expect('[');
    enter();
    List<Object> list = new ArrayList<>();
    if (!consume(']')) {
      do {
        list.add(readValue());
      } while (consume(','));
      expect(']');
    }
    depth--;
    return Collections.unmodifiableList(list);
  }

  /** Reads a string; a {@code null} is refused. */
  String readString() {
    if (peek() != '"') {
      throw error("expected a string");
    }
    int start = ++pos;
    boolean ascii = true;
    while (pos < end) {
      byte b = in[pos];
      if (b == '"') {
        String text = ascii ? new String(in, start, pos - start, StandardCharsets.ISO_8859_1) : utf8(start, pos);
        pos++;
        return text;
      }
      if (b == '\\') {
        return readEscaped(start);
      }
      if (b < 0) {
        ascii = false;
      } else if (b < 0x20) {
        throw error("control character in a string");
      }
      pos++;
    }
    throw error("unterminated string");
  }

  /** The rest of a string from its first backslash, at {@code pos}; {@code start} is after the quote. */
  private String readEscaped(int start) {
    StringBuilder text = new StringBuilder(pos - start + 16);
    text.append(utf8(start, pos));
    int run = pos;
    while (pos < end) {
      byte b = in[pos];
      if (b == '"') {
        text.append(utf8(run, pos));
        pos++;
        return text.toString();
      }
      if (b == '\\') {
        text.append(utf8(run, pos));
        text.append(escape());
        run = pos;
        continue;
      }
      if (b >= 0 && b < 0x20) {
        throw error("control character in a string");
      }
      pos++;
    }
    throw error("unterminated string");
  }

  /** One escape sequence at {@code pos} (its backslash). */
  private char escape() {
    if (pos + 1 >= end) {
      throw error("unterminated string");
    }
    byte c = in[pos + 1];
    pos += 2;
    switch (c) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u': {
        if (pos + 4 > end) {
          throw error("unterminated \\u escape");
        }
        int code = 0;
        for (int i = 0; i < 4; i++) {
          int digit = Character.digit(in[pos + i], 16);
          if (digit < 0) {
            throw error("bad \\u escape");
          }
          code = code * 16 + digit;
        }
        pos += 4;
        // A surrogate pair comes as two escapes, each one UTF-16 unit: appended one after the other.
        return (char) code;
      }
      default:
        pos -= 2;
        throw error("bad escape");
    }
  }

  private String utf8(int from, int to) {
    for (int i = from; i < to; i++) {
      if (in[i] < 0) {
        try {
          return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(in, from, to - from)).toString();
        } catch (CharacterCodingException e) {
          throw error("invalid UTF-8 in a string");
        }
      }
    }
    return new String(in, from, to - from, StandardCharsets.ISO_8859_1);
  }

  private Object readNumber() {
    int start = pos;
    if (!skipNumber()) {
      return Double.parseDouble(new String(in, start, pos - start, StandardCharsets.ISO_8859_1));
    }
    // Up to 18 digits always fit a long.
    int from = in[start] == '-' ? start + 1 : start;
    if (pos - from <= 18) {
      long value = 0;
      for (int i = from; i < pos; i++) {
        value = value * 10 + (in[i] - '0');
      }
      value = from > start ? -value : value;
      return value == (int) value ? (Object) (int) value : (Object) value;
    }
    BigInteger value = new BigInteger(new String(in, start, pos - start, StandardCharsets.ISO_8859_1));
    return value.bitLength() < 64 ? (Object) value.longValue() : value;
  }

  /** Consumes one or more digits; returns whether there was one. */
  private boolean digits() {
    int from = pos;
    while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
      pos++;
    }
    return pos > from;
  }

  /**
   * Skips a value without building it, checking its grammar as {@link #readValue} does except for the UTF-8
   * of strings (a skipped value is kept as bytes, and checked when it is read). Iterative, and calling only
   * small methods: a recursive skip through {@link #readValue} made the JIT inline a tree of thousands of
   * bytes, which took it two seconds to compile.
   */
  void skipValue() {
    int first = peek();
    if (first == '"') {
      skipString();
      return;
    }
    if (first != '{' && first != '[') {
      skipScalar(first);
      return;
    }
    int base = depth;
    // Per open container, from the innermost: true for an object. At most MAX_DEPTH levels.
    long[] objects = new long[(MAX_DEPTH >> 6) + 1];
    while (true) {
      // A value starts here.
      int next = peek();
      if (next == '{' || next == '[') {
        pos++;
        enter();
        int level = depth - base;
        if (next == '{') {
          objects[level >> 6] |= 1L << level;
        } else {
          objects[level >> 6] &= ~(1L << level);
        }
        if (!consume(next == '{' ? '}' : ']')) {
          if (next == '{') {
            skipString();
            expect(':');
          }
          continue;
        }
        depth--;
      } else if (next == '"') {
        skipString();
      } else {
        skipScalar(next);
      }
      // A value ended: close containers until one goes on with a comma.
      while (true) {
        int level = depth - base;
        if (level == 0) {
          return;
        }
        boolean object = (objects[level >> 6] & (1L << level)) != 0;
        if (consume(',')) {
          if (object) {
            skipString();
            expect(':');
          }
          break;
        }
        expect(object ? '}' : ']');
        depth--;
      }
    }
  }

  private void skipScalar(int next) {
    switch (next) {
      case 't':
        literal("true");
        return;
      case 'f':
        literal("false");
        return;
      case 'n':
        literal("null");
        return;
      case 'N':
        literal("NaN");
        return;
      case 'I':
        literal("Infinity");
        return;
      default:
        if (next == '-' || (next >= '0' && next <= '9')) {
          skipNumber();
          return;
        }
        throw error(next == -1 ? "unexpected end of JSON" : "unexpected character");
    }
  }

  /** Consumes a number; returns whether it is an integer. */
  private boolean skipNumber() {
    if (in[pos] == '-') {
      pos++;
      if (pos < end && in[pos] == 'I') {
        literal("Infinity");
        return false;
      }
    }
    if (pos < end && in[pos] == '0') {
      pos++;
    } else if (!digits()) {
      throw error("bad number");
    }
    boolean integral = true;
    if (pos < end && in[pos] == '.') {
      pos++;
      integral = false;
      if (!digits()) {
        throw error("bad number");
      }
    }
    if (pos < end && (in[pos] == 'e' || in[pos] == 'E')) {
      pos++;
      integral = false;
      if (pos < end && (in[pos] == '+' || in[pos] == '-')) {
        pos++;
      }
      if (!digits()) {
        throw error("bad number");
      }
    }
    if (pos < end && in[pos] >= '0' && in[pos] <= '9') {
      throw error("bad number: leading zero");
    }
    return integral;
  }

  private void skipString() {
    if (peek() != '"') {
      throw error("expected a string");
    }
    pos++;
    while (pos < end) {
      byte b = in[pos];
      if (b == '"') {
        pos++;
        return;
      }
      if (b == '\\') {
        escape();
        continue;
      }
      if (b >= 0 && b < 0x20) {
        throw error("control character in a string");
      }
      pos++;
    }
    throw error("unterminated string");
  }

  private void literal(String word) {
    int length = word.length();
    if (pos + length > end) {
      throw error("unexpected end of JSON");
    }
    for (int i = 0; i < length; i++) {
      if (in[pos + i] != word.charAt(i)) {
        throw error("unexpected character");
      }
    }
    pos += length;
  }

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
  }

  private SyntaxError error(String what) {
    return new SyntaxError(what + " at byte " + pos);
  }

  /** Bytes that are not JSON; other {@link MalformedMessageException}s are about what the JSON holds. */
  static final class SyntaxError extends MalformedMessageException {
    SyntaxError(String message) {
      super(message);
    }
  }
}
