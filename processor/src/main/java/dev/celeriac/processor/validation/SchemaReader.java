package dev.celeriac.processor.validation;

import dev.celeriac.processor.model.ParameterRecord;
import dev.celeriac.processor.model.ScheduleDescriptor;
import dev.celeriac.processor.model.TaskRecord;
import dev.celeriac.processor.model.ValueTypeDescriptor;
import dev.celeriac.rules.TasksJson;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the committed task schema: a {@code tasks.json} of an earlier release, in which tasks may be marked
 * {@code "retired": true}. The file format is celeriac-rules' {@link TasksJson}; here each parameter's type is
 * read back into the type the processor checks.
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
    List<TasksJson.Task> entries;
    try {
      entries = TasksJson.read(text);
    } catch (TasksJson.FormatException e) {
      throw new SchemaException(e.getMessage());
    }
    List<TaskRecord> tasks = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      TasksJson.Task task = entries.get(i);
      List<ParameterRecord> parameters = new ArrayList<>();
      for (int j = 0; j < task.parameters().size(); j++) {
        String where = "tasks[" + i + "] (\"" + task.name() + "\").parameters[" + j + "]";
        parameters.add(parameter(task.parameters().get(j), where));
      }
      tasks.add(new TaskRecord(task.name(), task.retired(), task.method(), task.implemented(), task.queue(),
          task.maxRetries(), task.defaultRetryDelaySeconds(), task.retryBackoff(), task.retryOn(),
          task.dontRetryOn(), task.timeLimitSeconds(), task.expiresSeconds(),
          task.schedule().map(schedule -> new ScheduleDescriptor(schedule.cron(), schedule.zone())), parameters,
          task.extras(), task.result(), task.ignoreResult(), task.trackStarted()));
    }
    return tasks;
  }

  private static ParameterRecord parameter(TasksJson.Parameter parameter, String where) throws SchemaException {
    ValueTypeDescriptor type = ValueTypeDescriptor.fromSpelling(parameter.type(), parameter.enumConstants())
        .orElseThrow(() -> new SchemaException(where + ": \"" + parameter.type() + "\" is not a task parameter type"
            + (parameter.enumConstants().isEmpty() ? " (an enum needs its \"enumConstants\")" : "")));
    return new ParameterRecord(parameter.keyword(), parameter.name(), type, parameter.required(),
        parameter.defaultLiteral());
  }
}
