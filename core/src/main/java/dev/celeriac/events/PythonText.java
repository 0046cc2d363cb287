package dev.celeriac.events;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Text as Celery's events and replies carry it: Python's {@code repr()} of strings and exceptions, tracebacks. */
public final class PythonText {

  private PythonText() {}

  /** Python's {@code repr()} of a string: single quotes, unless only double quotes avoid escaping. */
  public static String repr(String text) {
    char quote = text.indexOf('\'') >= 0 && text.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder out = new StringBuilder(text.length() + 2).append(quote);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == quote || c == '\\') {
        out.append('\\').append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append(quote).toString();
  }

  /**
   * An exception as Python's {@code repr()} shows one, {@code ValueError('boom')}: here the Java class's simple
   * name and its message, {@code IllegalStateException('boom')}, or {@code Name()} without a message.
   */
  public static String repr(Throwable error) {
    String name = error.getClass().getSimpleName().isEmpty() ? error.getClass().getName()
        : error.getClass().getSimpleName();
    return error.getMessage() == null ? name + "()" : name + "(" + repr(error.getMessage()) + ")";
  }

  /** The stack trace, where Celery sends the Python traceback. */
  public static String traceback(Throwable error) {
    StringWriter out = new StringWriter();
    error.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
