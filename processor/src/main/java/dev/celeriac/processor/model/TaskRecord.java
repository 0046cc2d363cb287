package dev.celeriac.processor.model;

import com.squareup.javapoet.ClassName;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One task as {@code tasks.json} and the committed task schema record it: plain data, made from a
 * {@link TaskDescriptor} of this compilation or read back from the schema file of an earlier release (whose
 * format, celeriac-rules' {@code TasksJson}, is the same data with types spelled as text).
 *
 * @param name the task name on the wire
 * @param retired whether the schema marks the task as removed on purpose: messages still in queues for it are
 *     dead-lettered as an unknown task, and that is accepted. Only the schema file carries this; a task of the
 *     current compilation is never retired
 * @param method where it was declared, as {@code com.acme.EventTasks#saveEvent}
 * @param implemented whether a worker of that release could run it
 * @param queue its default queue
 * @param maxRetries how many times a failing run is retried
 * @param defaultRetryDelaySeconds the delay before a retry
 * @param retryBackoff whether the delay grows exponentially
 * @param retryOn binary names of the exceptions that cause a retry
 * @param dontRetryOn binary names of the exceptions that never do
 * @param timeLimitSeconds the run-time limit, 0 for none
 * @param expiresSeconds the default time to live of a message, 0 for never
 * @param schedule its {@code @Periodic} schedule, if any
 * @param parameters its parameters in declaration order, without the extras map
 * @param extras the Java name of its {@code @Extras} parameter
 * @param result the result type as tools read it ({@code java.lang.Long}), {@code void} for none
 * @param ignoreResult whether no result is stored
 * @param trackStarted whether STARTED is stored
 */
public record TaskRecord(String name, boolean retired, String method, boolean implemented, String queue,
    int maxRetries, int defaultRetryDelaySeconds, boolean retryBackoff, List<String> retryOn, List<String> dontRetryOn,
    int timeLimitSeconds, int expiresSeconds, Optional<ScheduleDescriptor> schedule, List<ParameterRecord> parameters,
    String extras, String result, boolean ignoreResult, boolean trackStarted) {

  public TaskRecord {
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

  /** The record of a task of this compilation. */
  public static TaskRecord of(TaskDescriptor task) {
    RetryDescriptor retry = task.retry();
    return new TaskRecord(task.name(), false, task.origin(), task.isImplemented(), task.queue(), retry.maxRetries(),
        retry.defaultRetryDelaySeconds(), retry.retryBackoff(), binaryNames(retry.retryOn()),
        binaryNames(retry.dontRetryOn()), retry.timeLimitSeconds(), retry.expiresSeconds(), task.schedule(),
        task.parameters().stream().map(ParameterRecord::of).toList(), task.extrasName(),
        task.result().map(ValueTypeDescriptor::spelling).orElse("void"), task.ignoreResult(), task.trackStarted());
  }

  /** The same record, marked retired. */
  public TaskRecord retire() {
    return new TaskRecord(name, true, method, implemented, queue, maxRetries, defaultRetryDelaySeconds, retryBackoff,
        retryOn, dontRetryOn, timeLimitSeconds, expiresSeconds, schedule, parameters, extras, result, ignoreResult,
        trackStarted);
  }

  /** The class part of {@link #method()}: {@code com.acme.EventTasks}. */
  public String declaringClass() {
    int hash = method.indexOf('#');
    return hash < 0 ? method : method.substring(0, hash);
  }

  private static List<String> binaryNames(List<ClassName> types) {
    return types.stream().map(ClassName::reflectionName).toList();
  }
}
