package dev.celeriac.processor.writing;

import com.squareup.javapoet.ClassName;
import dev.celeriac.processor.model.ParameterDescriptor;
import dev.celeriac.processor.model.TaskDescriptor;
import dev.celeriac.processor.model.ValueKind;
import dev.celeriac.processor.model.ValueTypeDescriptor;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes {@code META-INF/celeriac/tasks.json}, the task index as data for tools and for the rolling-deploy
 * compatibility check. Written by hand so that it is stable and diff-friendly: two-space indent, tasks sorted
 * by name, one parameter per line, keys in a fixed order.
 */
public final class TasksJsonWriter {

  /** Where the file goes in the class output. */
  public static final String PATH = "META-INF/celeriac/tasks.json";

  /** The format version, raised when a key changes meaning. */
  static final int VERSION = 1;

  private TasksJsonWriter() {}

  /** The file's content. */
  public static String write(List<TaskDescriptor> tasks) {
    List<TaskDescriptor> sorted = tasks.stream().sorted(Comparator.comparing(TaskDescriptor::name)).toList();
    StringBuilder out = new StringBuilder();
    out.append("{\n");
    out.append("  \"version\": ").append(VERSION).append(",\n");
    out.append("  \"tasks\": [");
    for (int i = 0; i < sorted.size(); i++) {
      out.append(i == 0 ? "\n" : ",\n");
      task(out, sorted.get(i));
    }
    out.append(sorted.isEmpty() ? "]\n" : "\n  ]\n");
    out.append("}\n");
    return out.toString();
  }

  private static void task(StringBuilder out, TaskDescriptor task) {
    out.append("    {\n");
    line(out, "name", string(task.name()));
    line(out, "method", string(task.origin()));
    line(out, "implemented", String.valueOf(task.isImplemented()));
    line(out, "queue", string(task.queue()));
    line(out, "maxRetries", String.valueOf(task.retry().maxRetries()));
    line(out, "defaultRetryDelaySeconds", String.valueOf(task.retry().defaultRetryDelaySeconds()));
    line(out, "retryBackoff", String.valueOf(task.retry().retryBackoff()));
    line(out, "retryOn", classes(task.retry().retryOn()));
    line(out, "dontRetryOn", classes(task.retry().dontRetryOn()));
    line(out, "timeLimitSeconds", String.valueOf(task.retry().timeLimitSeconds()));
    line(out, "expiresSeconds", String.valueOf(task.retry().expiresSeconds()));
    line(out, "schedule", task.schedule()
        .map(schedule -> "{\"cron\": " + string(schedule.cron()) + ", \"zone\": " + string(schedule.zone()) + "}")
        .orElse("null"));
    if (task.parameters().isEmpty()) {
      line(out, "parameters", "[]");
    } else {
      out.append("      \"parameters\": [\n");
      out.append(task.parameters().stream().map(TasksJsonWriter::parameter)
          .collect(Collectors.joining(",\n", "", "\n")));
      out.append("      ],\n");
    }
    out.append("      \"extras\": ").append(string(task.extrasName())).append("\n");
    out.append("    }");
  }

  private static String parameter(ParameterDescriptor parameter) {
    StringBuilder out = new StringBuilder("        {");
    out.append("\"keyword\": ").append(string(parameter.keyword()));
    out.append(", \"name\": ").append(string(parameter.javaName()));
    out.append(", \"type\": ").append(string(parameter.type().spelling()));
    out.append(", \"required\": ").append(parameter.isRequired());
    out.append(", \"default\": ").append(parameter.defaultValue().map(value -> string(value.literal())).orElse("null"));
    ValueTypeDescriptor enumType = parameter.type().kind() == ValueKind.LIST ? parameter.type().element()
        : parameter.type();
    if (enumType.kind() == ValueKind.ENUM) {
      out.append(", \"enumConstants\": ").append(strings(enumType.enumConstants()));
    }
    return out.append("}").toString();
  }

  private static void line(StringBuilder out, String key, String json) {
    out.append("      ").append(string(key)).append(": ").append(json).append(",\n");
  }

  private static String classes(List<ClassName> types) {
    return strings(types.stream().map(ClassName::reflectionName).toList());
  }

  private static String strings(List<String> values) {
    return values.stream().map(TasksJsonWriter::string).collect(Collectors.joining(", ", "[", "]"));
  }

  /** A JSON string literal. */
  static String string(String value) {
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
}
