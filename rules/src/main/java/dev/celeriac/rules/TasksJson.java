package dev.celeriac.rules;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code META-INF/celeriac/tasks.json}, the task index as data for tools, and the committed task schema, which is
 * a tasks.json of an earlier release whose tasks may be marked {@code "retired": true}. Written stable and
 * diff-friendly (two-space indent, tasks sorted by name, one parameter per line, keys in a fixed order); read
 * strictly about every key the writer always writes, so that a hand edit that breaks the file is caught rather
 * than half understood. Keys it does not know are ignored.
 */
public final class TasksJson {

  /** Where the file goes in the class output. */
  public static final String PATH = "META-INF/celeriac/tasks.json";

  /** The version of the format, raised when a key changes meaning. */
  public static final int FORMAT_VERSION = 1;

  /**
   * One task. The fields are those of the processor's task record, which says what each means; {@code result}
   * is {@code void} for none, and {@code retired} only ever set in a committed schema.
   */
  public record Task(String name, boolean retired, String method, boolean implemented, String queue,
      int maxRetries, int defaultRetryDelaySeconds, boolean retryBackoff, List<String> retryOn,
      List<String> dontRetryOn, int timeLimitSeconds, int expiresSeconds, Optional<Schedule> schedule,
      List<Parameter> parameters, String extras, String result, boolean ignoreResult, boolean trackStarted) {

    public Task {
      Objects.requireNonNull(name);
      Objects.requireNonNull(method);
      Objects.requireNonNull(queue);
      Objects.requireNonNull(schedule);
      Objects.requireNonNull(extras);
      Objects.requireNonNull(result);
      retryOn = List.copyOf(retryOn);
      dontRetryOn = List.copyOf(dontRetryOn);
      parameters = List.copyOf(parameters);
    }
  }

  /** A {@code @Periodic} schedule, cron expression and zone as written. */
  public record Schedule(String cron, String zone) {
    public Schedule {
      Objects.requireNonNull(cron);
      Objects.requireNonNull(zone);
    }
  }

  /**
   * One parameter.
   *
   * @param type the type as tools read it: {@code long}, {@code java.lang.Long}, {@code java.util.List<...>}, an
   *     enum's binary name
   * @param enumConstants for an enum or a list of one, its constants in declaration order; otherwise empty
   */
  public record Parameter(String keyword, String name, String type, Optional<List<String>> enumConstants,
      boolean required, Optional<String> defaultLiteral) {
    public Parameter {
      Objects.requireNonNull(keyword);
      Objects.requireNonNull(name);
      Objects.requireNonNull(type);
      enumConstants = enumConstants.map(List::copyOf);
      Objects.requireNonNull(defaultLiteral);
    }
  }

  /** Thrown for a file that is not a readable task file; the message says where and why. */
  public static final class FormatException extends Exception {
    private static final long serialVersionUID = 1L;

    FormatException(String message) {
      super(message, null, false, false);
    }
  }

  private TasksJson() {}

  /** The file's content for these tasks. */
  public static String write(List<Task> tasks) {
    List<Task> sorted = tasks.stream().sorted(Comparator.comparing(Task::name)).toList();
    StringBuilder out = new StringBuilder();
    out.append("{\n");
    out.append("  \"version\": ").append(FORMAT_VERSION).append(",\n");
    out.append("  \"tasks\": [");
    for (int i = 0; i < sorted.size(); i++) {
      out.append(i == 0 ? "\n" : ",\n");
      task(out, sorted.get(i));
    }
    out.append(sorted.isEmpty() ? "]\n" : "\n  ]\n");
    out.append("}\n");
    return out.toString();
  }

  private static void task(StringBuilder out, Task task) {
    out.append("    {\n");
    line(out, "name", JsonText.quote(task.name()));
    if (task.retired()) {
      line(out, "retired", "true");
    }
    line(out, "method", JsonText.quote(task.method()));
    line(out, "implemented", String.valueOf(task.implemented()));
    line(out, "queue", JsonText.quote(task.queue()));
    line(out, "maxRetries", String.valueOf(task.maxRetries()));
    line(out, "defaultRetryDelaySeconds", String.valueOf(task.defaultRetryDelaySeconds()));
    line(out, "retryBackoff", String.valueOf(task.retryBackoff()));
    line(out, "retryOn", strings(task.retryOn()));
    line(out, "dontRetryOn", strings(task.dontRetryOn()));
    line(out, "timeLimitSeconds", String.valueOf(task.timeLimitSeconds()));
    line(out, "expiresSeconds", String.valueOf(task.expiresSeconds()));
    line(out, "result", JsonText.quote(task.result()));
    line(out, "ignoreResult", String.valueOf(task.ignoreResult()));
    line(out, "trackStarted", String.valueOf(task.trackStarted()));
    line(out, "schedule", task.schedule()
        .map(schedule -> "{\"cron\": " + JsonText.quote(schedule.cron()) + ", \"zone\": "
            + JsonText.quote(schedule.zone()) + "}")
        .orElse("null"));
    if (task.parameters().isEmpty()) {
      line(out, "parameters", "[]");
    } else {
      out.append("      \"parameters\": [\n");
      out.append(task.parameters().stream().map(TasksJson::parameter)
          .collect(Collectors.joining(",\n", "", "\n")));
      out.append("      ],\n");
    }
    out.append("      \"extras\": ").append(JsonText.quote(task.extras())).append("\n");
    out.append("    }");
  }

  private static String parameter(Parameter parameter) {
    StringBuilder out = new StringBuilder("        {");
    out.append("\"keyword\": ").append(JsonText.quote(parameter.keyword()));
    out.append(", \"name\": ").append(JsonText.quote(parameter.name()));
    out.append(", \"type\": ").append(JsonText.quote(parameter.type()));
    out.append(", \"required\": ").append(parameter.required());
    out.append(", \"default\": ").append(parameter.defaultLiteral().map(JsonText::quote).orElse("null"));
    parameter.enumConstants().ifPresent(constants -> out.append(", \"enumConstants\": ").append(strings(constants)));
    return out.append("}").toString();
  }

  private static void line(StringBuilder out, String key, String json) {
    out.append("      ").append(JsonText.quote(key)).append(": ").append(json).append(",\n");
  }

  private static String strings(List<String> values) {
    return values.stream().map(JsonText::quote).collect(Collectors.joining(", ", "[", "]"));
  }

  /** The tasks the file lists, in file order. */
  public static List<Task> read(String text) throws FormatException {
    Object document;
    try {
      document = JsonText.read(text);
    } catch (JsonText.SyntaxException e) {
      throw new FormatException("it is not JSON: " + e.getMessage());
    }
    Map<String, Object> root = object(document, "the document");
    int version = integer(root, "version", "the document");
    if (version != FORMAT_VERSION) {
      throw new FormatException("its \"version\" is " + version + "; this processor reads version "
          + FORMAT_VERSION);
    }
    List<Object> entries = array(root, "tasks", "the document");
    List<Task> tasks = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      Task task = task(object(entries.get(i), "tasks[" + i + "]"), "tasks[" + i + "]");
      if (!names.add(task.name())) {
        throw new FormatException("task \"" + task.name() + "\" is listed twice");
      }
      tasks.add(task);
    }
    return tasks;
  }

  private static Task task(Map<String, Object> task, String where) throws FormatException {
    String name = string(task, "name", where);
    where = where + " (\"" + name + "\")";
    // Read in the order the writer writes, so that the first problem reported is the first in the file.
    boolean retired = task.containsKey("retired") && bool(task, "retired", where);
    String method = string(task, "method", where);
    boolean implemented = bool(task, "implemented", where);
    String queue = string(task, "queue", where);
    int maxRetries = integer(task, "maxRetries", where);
    int defaultRetryDelaySeconds = integer(task, "defaultRetryDelaySeconds", where);
    boolean retryBackoff = bool(task, "retryBackoff", where);
    List<String> retryOn = strings(task, "retryOn", where);
    List<String> dontRetryOn = strings(task, "dontRetryOn", where);
    int timeLimitSeconds = integer(task, "timeLimitSeconds", where);
    int expiresSeconds = integer(task, "expiresSeconds", where);
    // Added with results: absent in schemas of earlier releases.
    String result = task.containsKey("result") ? string(task, "result", where) : "void";
    boolean ignoreResult = task.containsKey("ignoreResult") && bool(task, "ignoreResult", where);
    boolean trackStarted = task.containsKey("trackStarted") && bool(task, "trackStarted", where);
    Optional<Schedule> schedule = Optional.empty();
    if (present(task, "schedule", where) != null) {
      Map<String, Object> cron = object(task.get("schedule"), where + ".schedule");
      schedule = Optional.of(new Schedule(string(cron, "cron", where + ".schedule"),
          string(cron, "zone", where + ".schedule")));
    }
    List<Object> entries = array(task, "parameters", where);
    List<Parameter> parameters = new ArrayList<>();
    Set<String> keywords = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      String at = where + ".parameters[" + i + "]";
      Parameter parameter = parameter(object(entries.get(i), at), at);
      if (!keywords.add(parameter.keyword())) {
        throw new FormatException(at + ": keyword \"" + parameter.keyword() + "\" is listed twice");
      }
      parameters.add(parameter);
    }
    return new Task(name, retired, method, implemented, queue, maxRetries, defaultRetryDelaySeconds,
        retryBackoff, retryOn, dontRetryOn, timeLimitSeconds, expiresSeconds, schedule, parameters,
        string(task, "extras", where), result, ignoreResult, trackStarted);
  }

  private static Parameter parameter(Map<String, Object> parameter, String where) throws FormatException {
    String keyword = string(parameter, "keyword", where);
    String type = string(parameter, "type", where);
    Optional<List<String>> constants = parameter.containsKey("enumConstants")
        ? Optional.of(strings(parameter, "enumConstants", where)) : Optional.empty();
    Optional<String> defaultLiteral = present(parameter, "default", where) == null ? Optional.empty()
        : Optional.of(string(parameter, "default", where));
    return new Parameter(keyword, string(parameter, "name", where), type, constants,
        bool(parameter, "required", where), defaultLiteral);
  }

  /** The member's value, which may be null; fails when the member is missing. */
  private static Object present(Map<String, Object> object, String key, String where) throws FormatException {
    if (!object.containsKey(key)) {
      throw new FormatException(where + " has no \"" + key + "\"");
    }
    return object.get(key);
  }

  private static Object member(Map<String, Object> object, String key, String where) throws FormatException {
    Object value = present(object, key, where);
    if (value == null) {
      throw new FormatException(where + ": \"" + key + "\" is null");
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object value, String where) throws FormatException {
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new FormatException(where + " is not a JSON object");
  }

  @SuppressWarnings("unchecked")
  private static List<Object> array(Map<String, Object> object, String key, String where) throws FormatException {
    if (member(object, key, where) instanceof List<?> list) {
      return (List<Object>) list;
    }
    throw new FormatException(where + ": \"" + key + "\" is not an array");
  }

  private static String string(Map<String, Object> object, String key, String where) throws FormatException {
    if (member(object, key, where) instanceof String text) {
      return text;
    }
    throw new FormatException(where + ": \"" + key + "\" is not a string");
  }

  private static boolean bool(Map<String, Object> object, String key, String where) throws FormatException {
    if (member(object, key, where) instanceof Boolean value) {
      return value;
    }
    throw new FormatException(where + ": \"" + key + "\" is neither true nor false");
  }

  private static int integer(Map<String, Object> object, String key, String where) throws FormatException {
    if (member(object, key, where) instanceof BigDecimal number) {
      try {
        return number.intValueExact();
      } catch (ArithmeticException e) {
        // reported below
      }
    }
    throw new FormatException(where + ": \"" + key + "\" is not an int");
  }

  private static List<String> strings(Map<String, Object> object, String key, String where) throws FormatException {
    List<String> values = new ArrayList<>();
    for (Object element : array(object, key, where)) {
      if (!(element instanceof String text)) {
        throw new FormatException(where + ": \"" + key + "\" holds something other than a string");
      }
      values.add(text);
    }
    return values;
  }
}
