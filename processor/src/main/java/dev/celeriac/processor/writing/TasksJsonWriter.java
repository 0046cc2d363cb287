package dev.celeriac.processor.writing;

import dev.celeriac.processor.model.ParameterRecord;
import dev.celeriac.processor.model.TaskDescriptor;
import dev.celeriac.processor.model.TaskRecord;
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

  private TasksJsonWriter() {}

  /** The file's content for this compilation's tasks. */
  public static String write(List<TaskDescriptor> tasks) {
    return writeRecords(tasks.stream().map(TaskRecord::of).toList());
  }

  /**
   * The file's content for these records, in the same format: the committed task schema is a tasks.json that
   * may also hold retired tasks, each marked {@code "retired": true} right after its name.
   */
  public static String writeRecords(List<TaskRecord> tasks) {
    List<TaskRecord> sorted = tasks.stream().sorted(Comparator.comparing(TaskRecord::name)).toList();
    StringBuilder out = new StringBuilder();
    out.append("{\n");
    out.append("  \"version\": ").append(TaskRecord.FORMAT_VERSION).append(",\n");
    out.append("  \"tasks\": [");
    for (int i = 0; i < sorted.size(); i++) {
      out.append(i == 0 ? "\n" : ",\n");
      task(out, sorted.get(i));
    }
    out.append(sorted.isEmpty() ? "]\n" : "\n  ]\n");
    out.append("}\n");
    return out.toString();
  }

  private static void task(StringBuilder out, TaskRecord task) {
    out.append("    {\n");
    line(out, "name", string(task.name()));
    if (task.retired()) {
      line(out, "retired", "true");
    }
    line(out, "method", string(task.method()));
    line(out, "implemented", String.valueOf(task.implemented()));
    line(out, "queue", string(task.queue()));
    line(out, "maxRetries", String.valueOf(task.maxRetries()));
    line(out, "defaultRetryDelaySeconds", String.valueOf(task.defaultRetryDelaySeconds()));
    line(out, "retryBackoff", String.valueOf(task.retryBackoff()));
    line(out, "retryOn", strings(task.retryOn()));
    line(out, "dontRetryOn", strings(task.dontRetryOn()));
    line(out, "timeLimitSeconds", String.valueOf(task.timeLimitSeconds()));
    line(out, "expiresSeconds", String.valueOf(task.expiresSeconds()));
    line(out, "result", string(task.result()));
    line(out, "ignoreResult", String.valueOf(task.ignoreResult()));
    line(out, "trackStarted", String.valueOf(task.trackStarted()));
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
    out.append("      \"extras\": ").append(string(task.extras())).append("\n");
    out.append("    }");
  }

  private static String parameter(ParameterRecord parameter) {
    StringBuilder out = new StringBuilder("        {");
    out.append("\"keyword\": ").append(string(parameter.keyword()));
    out.append(", \"name\": ").append(string(parameter.name()));
    out.append(", \"type\": ").append(string(parameter.type().spelling()));
    out.append(", \"required\": ").append(parameter.required());
    out.append(", \"default\": ").append(parameter.defaultLiteral().map(TasksJsonWriter::string).orElse("null"));
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
