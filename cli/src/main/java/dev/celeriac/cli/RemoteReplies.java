package dev.celeriac.cli;

import dev.celeriac.control.ControlClient;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints workers' replies as {@code celery inspect} and {@code celery control} do: one {@code ->  node: OK}
 * line per node, the reply indented under it ({@code ok} and {@code error} values unwrapped, lists as
 * {@code * item} lines, objects as JSON sorted by key), then how many nodes replied.
 */
final class RemoteReplies {

  private RemoteReplies() {}

  /** One node's reply, as it comes. */
  static void print(PrintWriter out, ControlClient.Reply reply) {
    Object value = reply.value();
    String status = "OK";
    String body;
    if (value instanceof Map<?, ?> map && (map.containsKey("ok") || map.containsKey("error"))) {
      status = map.containsKey("ok") ? "OK" : "ERROR";
      body = indent(pretty(map.containsKey("ok") ? map.get("ok") : map.get("error")), 4);
    } else {
      body = pretty(value);
    }
    out.println("->  " + reply.node() + ": " + status);
    out.println(indent(body, 4));
  }

  /** The closing line, {@code 2 nodes online.} */
  static void summary(PrintWriter out, int nodes) {
    out.println();
    out.println(nodes + (nodes == 1 ? " node" : " nodes") + " online.");
  }

  /** Every reply as one JSON object by node, as {@code celery inspect --json} prints it. */
  static String json(List<ControlClient.Reply> replies) {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < replies.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      out.append(string(replies.get(i).node())).append(": ");
      json(out, replies.get(i).value(), -1, 0);
    }
    return out.append('}').toString();
  }

  private static String pretty(Object value) {
    if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        return "- empty -";
      }
      StringBuilder out = new StringBuilder();
      for (Object item : list) {
        if (out.length() > 0) {
          out.append('\n');
        }
        out.append("* ").append(item instanceof String text ? text : compact(item));
      }
      return out.toString();
    }
    if (value instanceof Map<?, ?>) {
      StringBuilder out = new StringBuilder();
      json(out, value, 4, 0);
      return out.toString();
    }
    return value instanceof String text ? text : compact(value);
  }

  private static String compact(Object value) {
    StringBuilder out = new StringBuilder();
    json(out, value, -1, 0);
    return out.toString();
  }

  /** JSON as Python's {@code json.dumps(sort_keys=True, indent=indent)} writes it; {@code indent} -1 for one line. */
  private static void json(StringBuilder out, Object value, int indent, int depth) {
    if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        out.append("{}");
        return;
      }
      Map<String, Object> sorted = new TreeMap<>();
      map.forEach((key, item) -> sorted.put(String.valueOf(key), item));
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, Object> entry : sorted.entrySet()) {
        out.append(first ? "" : ",");
        first = false;
        newline(out, indent, depth + 1);
        out.append(string(entry.getKey())).append(": ");
        json(out, entry.getValue(), indent, depth + 1);
      }
      newline(out, indent, depth);
      out.append('}');
    } else if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        out.append("[]");
        return;
      }
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        out.append(i == 0 ? "" : ",");
        newline(out, indent, depth + 1);
        json(out, list.get(i), indent, depth + 1);
      }
      newline(out, indent, depth);
      out.append(']');
    } else if (value instanceof String text) {
      out.append(string(text));
    } else if (value instanceof Double number && Double.isFinite(number) && Math.abs(number) >= 1e-4
        && Math.abs(number) < 1e16) {
      out.append(BigDecimal.valueOf(number).toPlainString());
    } else {
      out.append(value);
    }
  }

  private static void newline(StringBuilder out, int indent, int depth) {
    if (indent < 0) {
      out.append(out.charAt(out.length() - 1) == ',' ? " " : "");
    } else {
      out.append('\n').append(" ".repeat(indent * depth));
    }
  }

  /** A JSON string as Python writes it, non-ASCII escaped. */
  private static String string(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static String indent(String text, int spaces) {
    String pad = " ".repeat(spaces);
    return pad + text.replace("\n", "\n" + pad);
  }
}
