package dev.celeriac.processor.validation;

import dev.celeriac.processor.model.ParameterRecord;
import dev.celeriac.processor.model.ScheduleDescriptor;
import dev.celeriac.processor.model.TaskRecord;
import dev.celeriac.processor.model.ValueTypeDescriptor;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the committed task schema: a {@code tasks.json} of an earlier release, in which tasks may be marked
 * {@code "retired": true}. Strict about every key that tasks.json always writes, so that a hand edit that
 * breaks the file is caught rather than half understood; keys it does not know are ignored.
 */
public final class SchemaReader {

  /** Thrown for a file that is not a readable schema; the message says where and why. */
  public static final class SchemaException extends Exception {
    private static final long serialVersionUID = 1L;

    SchemaException(String message) {
      super(message, null, false, false);
    }
  }

  private SchemaReader() {}

  /** The tasks the schema lists, in file order. */
  public static List<TaskRecord> read(String text) throws SchemaException {
    Object document;
    try {
      document = JsonReader.parse(text);
    } catch (JsonReader.SyntaxException e) {
      throw new SchemaException("it is not JSON: " + e.getMessage());
    }
    Map<String, Object> root = object(document, "the document");
    int version = integer(root, "version", "the document");
    if (version != TaskRecord.FORMAT_VERSION) {
      throw new SchemaException("its \"version\" is " + version + "; this processor reads version "
          + TaskRecord.FORMAT_VERSION);
    }
    List<Object> entries = array(root, "tasks", "the document");
    List<TaskRecord> tasks = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      TaskRecord task = task(object(entries.get(i), "tasks[" + i + "]"), "tasks[" + i + "]");
      if (!names.add(task.name())) {
        throw new SchemaException("task \"" + task.name() + "\" is listed twice");
      }
      tasks.add(task);
    }
    return tasks;
  }

  private static TaskRecord task(Map<String, Object> task, String where) throws SchemaException {
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
    Optional<ScheduleDescriptor> schedule = Optional.empty();
    if (present(task, "schedule", where) != null) {
      Map<String, Object> cron = object(task.get("schedule"), where + ".schedule");
      schedule = Optional.of(new ScheduleDescriptor(string(cron, "cron", where + ".schedule"),
          string(cron, "zone", where + ".schedule")));
    }
    List<Object> entries = array(task, "parameters", where);
    List<ParameterRecord> parameters = new ArrayList<>();
    Set<String> keywords = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      String at = where + ".parameters[" + i + "]";
      ParameterRecord parameter = parameter(object(entries.get(i), at), at);
      if (!keywords.add(parameter.keyword())) {
        throw new SchemaException(at + ": keyword \"" + parameter.keyword() + "\" is listed twice");
      }
      parameters.add(parameter);
    }
    return new TaskRecord(name, retired, method, implemented, queue, maxRetries, defaultRetryDelaySeconds,
        retryBackoff, retryOn, dontRetryOn, timeLimitSeconds, expiresSeconds, schedule, parameters,
        string(task, "extras", where), result, ignoreResult, trackStarted);
  }

  private static ParameterRecord parameter(Map<String, Object> parameter, String where) throws SchemaException {
    String keyword = string(parameter, "keyword", where);
    String type = string(parameter, "type", where);
    Optional<List<String>> constants = parameter.containsKey("enumConstants")
        ? Optional.of(strings(parameter, "enumConstants", where)) : Optional.empty();
    ValueTypeDescriptor valueType = ValueTypeDescriptor.fromSpelling(type, constants)
        .orElseThrow(() -> new SchemaException(where + ": \"" + type + "\" is not a task parameter type"
            + (constants.isEmpty() ? " (an enum needs its \"enumConstants\")" : "")));
    Optional<String> defaultLiteral = present(parameter, "default", where) == null ? Optional.empty()
        : Optional.of(string(parameter, "default", where));
    return new ParameterRecord(keyword, string(parameter, "name", where), valueType,
        bool(parameter, "required", where), defaultLiteral);
  }

  /** The member's value, which may be null; fails when the member is missing. */
  private static Object present(Map<String, Object> object, String key, String where) throws SchemaException {
    if (!object.containsKey(key)) {
      throw new SchemaException(where + " has no \"" + key + "\"");
    }
    return object.get(key);
  }

  private static Object member(Map<String, Object> object, String key, String where) throws SchemaException {
    Object value = present(object, key, where);
    if (value == null) {
      throw new SchemaException(where + ": \"" + key + "\" is null");
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object value, String where) throws SchemaException {
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new SchemaException(where + " is not a JSON object");
  }

  @SuppressWarnings("unchecked")
  private static List<Object> array(Map<String, Object> object, String key, String where) throws SchemaException {
    if (member(object, key, where) instanceof List<?> list) {
      return (List<Object>) list;
    }
    throw new SchemaException(where + ": \"" + key + "\" is not an array");
  }

  private static String string(Map<String, Object> object, String key, String where) throws SchemaException {
    if (member(object, key, where) instanceof String text) {
      return text;
    }
    throw new SchemaException(where + ": \"" + key + "\" is not a string");
  }

  private static boolean bool(Map<String, Object> object, String key, String where) throws SchemaException {
    if (member(object, key, where) instanceof Boolean value) {
      return value;
    }
    throw new SchemaException(where + ": \"" + key + "\" is neither true nor false");
  }

  private static int integer(Map<String, Object> object, String key, String where) throws SchemaException {
    if (member(object, key, where) instanceof BigDecimal number) {
      try {
        return number.intValueExact();
      } catch (ArithmeticException e) {
        // reported below
      }
    }
    throw new SchemaException(where + ": \"" + key + "\" is not an int");
  }

  private static List<String> strings(Map<String, Object> object, String key, String where) throws SchemaException {
    List<String> values = new ArrayList<>();
    for (Object element : array(object, key, where)) {
      if (!(element instanceof String text)) {
        throw new SchemaException(where + ": \"" + key + "\" holds something other than a string");
      }
      values.add(text);
    }
    return values;
  }
}
