package dev.celeriac.processor.writing;

import dev.celeriac.processor.model.ParameterRecord;
import dev.celeriac.processor.model.TaskDescriptor;
import dev.celeriac.processor.model.TaskRecord;
import dev.celeriac.processor.model.ValueTypeDescriptor;
import dev.celeriac.rules.TasksJson;
import dev.celeriac.rules.ValueKind;
import java.util.List;
import java.util.Optional;

/**
 * Writes {@code META-INF/celeriac/tasks.json}, the task index as data for tools and for the rolling-deploy
 * compatibility check, in celeriac-rules' {@link TasksJson} format.
 */
public final class TasksJsonWriter {

  /** Where the file goes in the class output. */
  public static final String PATH = TasksJson.PATH;

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
    return TasksJson.write(tasks.stream().map(TasksJsonWriter::entry).toList());
  }

  private static TasksJson.Task entry(TaskRecord task) {
    return new TasksJson.Task(task.name(), task.retired(), task.method(), task.implemented(), task.queue(),
        task.maxRetries(), task.defaultRetryDelaySeconds(), task.retryBackoff(), task.retryOn(), task.dontRetryOn(),
        task.timeLimitSeconds(), task.expiresSeconds(),
        task.schedule().map(schedule -> new TasksJson.Schedule(schedule.cron(), schedule.zone())),
        task.parameters().stream().map(TasksJsonWriter::parameter).toList(), task.extras(), task.result(),
        task.ignoreResult(), task.trackStarted());
  }

  private static TasksJson.Parameter parameter(ParameterRecord parameter) {
    ValueTypeDescriptor enumType = parameter.type().kind() == ValueKind.LIST ? parameter.type().element()
        : parameter.type();
    Optional<List<String>> constants =
        enumType.kind() == ValueKind.ENUM ? Optional.of(enumType.enumConstants()) : Optional.empty();
    return new TasksJson.Parameter(parameter.keyword(), parameter.name(), parameter.type().spelling(), constants,
        parameter.required(), parameter.defaultLiteral());
  }
}
