package dev.celeriac.processor.validation;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the flat JSON arrays that {@code @Default} takes for {@code List} parameters: strings, numbers,
 * {@code true} and {@code false}; no nesting, no {@code null}.
 */
final class JsonArray {

  /** One element: a decoded string, or the text of a number or boolean. */
  record Token(boolean string, String text) {}

  /** Thrown for text that is not such an array; the message says where and why. */
  static final class SyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxException(String message) {
      super(message, null, false, false);
    }
  }

  private final String text;
  private int position;

  private JsonArray(String text) {
    this.text = text;
  }

  static List<Token> parse(String text) throws SyntaxException {
    return new JsonArray(text).array();
  }

  private List<Token> array() throws SyntaxException {
    List<Token> tokens = new ArrayList<>();
    skipSpace();
    expect('[');
    skipSpace();
    if (peek() == ']') {
      position++;
    } else {
      while (true) {
        skipSpace();
        tokens.add(element());
        skipSpace();
        char next = peek();
        position++;
        if (next == ']') {
          break;
        }
        if (next != ',') {
          throw new SyntaxException(problem("expected ',' or ']'", position - 1));
        }
      }
    }
    skipSpace();
    if (position < text.length()) {
      throw new SyntaxException(problem("unexpected text after the array", position));
    }
    return tokens;
  }

  private Token element() throws SyntaxException {
    char first = peek();
    if (first == '"') {
      return new Token(true, string());
    }
    int start = position;
    while (position < text.length() && "-+.0123456789eEtrufalsn".indexOf(text.charAt(position)) >= 0) {
      position++;
    }
    String word = text.substring(start, position);
    if (word.isEmpty()) {
      throw new SyntaxException(problem("expected a string, number, true or false", start));
    }
    if (word.equals("null")) {
      throw new SyntaxException("null is not allowed in a default list");
    }
    return new Token(false, word);
  }

  private String string() throws SyntaxException {
    int start = position;
    position++;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (position >= text.length()) {
        throw new SyntaxException(problem("unterminated string", start));
      }
      char c = text.charAt(position++);
      if (c == '"') {
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (position >= text.length()) {
        throw new SyntaxException(problem("unterminated escape", position - 1));
      }
      char escape = text.charAt(position++);
      switch (escape) {
        case '"', '\\', '/' -> out.append(escape);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (position + 4 > text.length()) {
            throw new SyntaxException(problem("short \\u escape", position - 2));
          }
          try {
            out.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
          } catch (NumberFormatException e) {
            throw new SyntaxException(problem("bad \\u escape", position - 2));
          }
          position += 4;
        }
        default -> throw new SyntaxException(problem("unknown escape \\" + escape, position - 2));
      }
    }
  }

  private void expect(char c) throws SyntaxException {
    if (peek() != c) {
      throw new SyntaxException(problem("expected '" + c + "'", position));
    }
    position++;
  }

  private char peek() throws SyntaxException {
    if (position >= text.length()) {
      throw new SyntaxException("it ends too early");
    }
    return text.charAt(position);
  }

  private void skipSpace() {
    while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
      position++;
    }
  }

  private static String problem(String what, int at) {
    return what + " at character " + (at + 1);
  }
}
