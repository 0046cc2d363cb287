package dev.celeriac;

import dev.celeriac.internal.InstanceFunction;
import dev.celeriac.internal.InstanceInvoker;
import dev.celeriac.internal.TaskInstances;
import dev.celeriac.internal.TaskFunction;
import dev.celeriac.internal.TaskInvoker;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Everything the runtime knows of one task: its name, queue, retry policy, schedule, parameters and, for a
 * task implemented in this JVM, the generated invoker that runs it. Generated stubs hold one as
 * {@code DEFINITION}; workers find them through the task index. Immutable.
 */
public final class TaskDefinition {

  private final String name;
  private final String queue;
  private final String origin;
  private final RetryPolicy retryPolicy;
  private final Duration timeLimit;
  private final Duration expires;
  private final Schedule schedule;
  private final List<Parameter> parameters;
  private final Class<?> instanceType;
  private final Invocation invocation;
  private final ValueType resultType;
  private final boolean ignoreResult;
  private final boolean trackStarted;

  private TaskDefinition(Builder b) {
    this.resultType = b.resultType;
    this.ignoreResult = b.ignoreResult;
    this.trackStarted = b.trackStarted;
    this.name = b.name;
    this.queue = b.queue;
    this.origin = b.origin;
    this.retryPolicy = new RetryPolicy(b.maxRetries, b.retryDelay, b.retryBackoff, b.retryOn, b.dontRetryOn);
    this.timeLimit = b.timeLimit;
    this.expires = b.expires;
    this.schedule = b.schedule;
    this.parameters = List.copyOf(b.parameters);
    this.instanceType = b.instanceType;
    this.invocation = b.invocation;
  }

  /** Starts a definition; generated code calls this, application code rarely needs to. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The task name on the wire. */
  public String name() {
    return name;
  }

  /** The default queue. */
  public String queue() {
    return queue;
  }

  /** Where it was declared, as {@code com.acme.EventTasks#saveEvent}. */
  public String origin() {
    return origin;
  }

  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /** The run-time limit, or {@link Duration#ZERO} for none. */
  public Duration timeLimit() {
    return timeLimit;
  }

  /** How long after enqueue an unstarted message expires by default, or {@link Duration#ZERO} for never. */
  public Duration expires() {
    return expires;
  }

  public Optional<Schedule> schedule() {
    return Optional.ofNullable(schedule);
  }

  /** The parameters in declaration order, without the extras map (which every task has). */
  /** The type of the task's result, as the method declares it; empty for {@code void}. */
  public Optional<ValueType> resultType() {
    return Optional.ofNullable(resultType);
  }

  /** Whether no result is stored ({@code @Task(ignoreResult = true)}), Celery's {@code ignore_result}. */
  public boolean ignoreResult() {
    return ignoreResult;
  }

  /** Whether STARTED is stored when the task starts ({@code @Task(trackStarted = true)}), Celery's {@code track_started}. */
  public boolean trackStarted() {
    return trackStarted;
  }

  public List<Parameter> parameters() {
    return parameters;
  }

  /**
   * Whether a worker in this JVM can run the task. False for a task declared on an abstract method,
   * which is implemented elsewhere (in a Python Celery worker, say) and only produced from here.
   */
  public boolean isImplemented() {
    return invocation != null;
  }

  /** The class whose instance the task runs on; empty for a static task or one implemented elsewhere. */
  public Optional<Class<?>> instanceType() {
    return Optional.ofNullable(instanceType);
  }

  /**
   * Runs the task in this thread through its generated invoker, with arguments the runtime has bound, and returns
   * what the task method returned (null for a {@code void} one); an instance task runs on the instance
   * {@code instances} gives, which is part of the run. For the runtime.
   *
   * @throws IllegalStateException when the task is not {@linkplain #isImplemented() implemented} here
   * @throws Throwable whatever the task, or getting its instance, throws
   */
  public Object invoke(TaskInstances instances, Object[] arguments) throws Throwable {
    if (invocation == null) {
      throw new IllegalStateException("task '" + name + "' is implemented elsewhere; " + origin + " has no invoker");
    }
    return invocation.invoke(instances, arguments);
  }

  @Override
  public String toString() {
    return name + " (" + origin + ")";
  }

  /** Builds a {@link TaskDefinition}; the defaults are those of {@link Task}. */
  public static final class Builder {
    private final String name;
    private String queue = "celery";
    private String origin = "";
    private int maxRetries = 3;
    private Duration retryDelay = Duration.ofMinutes(3);
    private boolean retryBackoff;
    private List<Class<? extends Throwable>> retryOn = List.of(Exception.class);
    private List<Class<? extends Throwable>> dontRetryOn = List.of();
    private Duration timeLimit = Duration.ZERO;
    private Duration expires = Duration.ZERO;
    private Schedule schedule;
    private final List<Parameter> parameters = new ArrayList<>();
    private Class<?> instanceType;
    private Invocation invocation;
    private ValueType resultType;
    private boolean ignoreResult;
    private boolean trackStarted;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name);
    }

    public Builder queue(String queue) {
      this.queue = Objects.requireNonNull(queue);
      return this;
    }

    public Builder origin(String origin) {
      this.origin = Objects.requireNonNull(origin);
      return this;
    }

    public Builder maxRetries(int maxRetries) {
      this.maxRetries = maxRetries;
      return this;
    }

    public Builder defaultRetryDelaySeconds(int seconds) {
      this.retryDelay = Duration.ofSeconds(seconds);
      return this;
    }

    public Builder retryBackoff(boolean retryBackoff) {
      this.retryBackoff = retryBackoff;
      return this;
    }

    @SafeVarargs
    @SuppressWarnings("varargs") // List.of only copies the array: it does not let it escape
    public final Builder retryOn(Class<? extends Throwable>... types) {
      this.retryOn = List.of(types);
      return this;
    }

    @SafeVarargs
    @SuppressWarnings("varargs") // List.of only copies the array: it does not let it escape
    public final Builder dontRetryOn(Class<? extends Throwable>... types) {
      this.dontRetryOn = List.of(types);
      return this;
    }

    public Builder timeLimitSeconds(int seconds) {
      this.timeLimit = Duration.ofSeconds(seconds);
      return this;
    }

    public Builder expiresSeconds(int seconds) {
      this.expires = Duration.ofSeconds(seconds);
      return this;
    }

    public Builder schedule(String cron, String zone) {
      this.schedule = new Schedule(cron, ZoneId.of(zone));
      return this;
    }

    /** The result's type; null (the default) for {@code void}. */
    public Builder resultType(ValueType resultType) {
      this.resultType = resultType;
      return this;
    }

    public Builder ignoreResult(boolean ignoreResult) {
      this.ignoreResult = ignoreResult;
      return this;
    }

    public Builder trackStarted(boolean trackStarted) {
      this.trackStarted = trackStarted;
      return this;
    }

    public Builder parameter(Parameter parameter) {
      this.parameters.add(parameter);
      return this;
    }

    /** The invoker of a static {@code void} task, as a hand-written definition gives it. */
    public Builder invoker(TaskInvoker invoker) {
      Objects.requireNonNull(invoker);
      return function(arguments -> {
        invoker.invoke(arguments);
        return null;
      });
    }

    /** The generated invoker of a static task, which returns the task method's result (null for {@code void}). */
    public Builder function(TaskFunction function) {
      Objects.requireNonNull(function);
      this.instanceType = null;
      this.invocation = (instances, arguments) -> function.apply(arguments);
      return this;
    }

    /**
     * The generated invoker of an instance task, which runs on an instance of {@code type}: the app's
     * {@link InstanceProvider} supplies it, or else {@code constructor} makes one per app.
     */
    public <T> Builder invoker(Class<T> type, Callable<? extends T> constructor, InstanceInvoker<T> invoker) {
      Objects.requireNonNull(type);
      Objects.requireNonNull(constructor);
      Objects.requireNonNull(invoker);
      this.instanceType = type;
      this.invocation = (instances, arguments) -> {
        invoker.invoke(instances.get(type, constructor), arguments);
        return null;
      };
      return this;
    }

    /** As {@link #invoker(Class, Callable, InstanceInvoker)}, for a generated invoker that returns the result. */
    public <T> Builder function(Class<T> type, Callable<? extends T> constructor, InstanceFunction<T> function) {
      Objects.requireNonNull(type);
      Objects.requireNonNull(constructor);
      Objects.requireNonNull(function);
      this.instanceType = type;
      this.invocation = (instances, arguments) -> function.apply(instances.get(type, constructor), arguments);
      return this;
    }

    /**
     * The generated invoker of an instance task whose class has no accessible no-argument constructor because a
     * dependency-injection container creates it: the app's {@link InstanceProvider} supplies the instance, and
     * without one every run fails saying to configure it.
     */
    public <T> Builder invoker(Class<T> type, InstanceInvoker<T> invoker) {
      Objects.requireNonNull(type);
      Objects.requireNonNull(invoker);
      this.instanceType = type;
      this.invocation = (instances, arguments) -> {
        invoker.invoke(instances.get(type), arguments);
        return null;
      };
      return this;
    }

    /** As {@link #invoker(Class, InstanceInvoker)}, for a generated invoker that returns the result. */
    public <T> Builder function(Class<T> type, InstanceFunction<T> function) {
      Objects.requireNonNull(type);
      Objects.requireNonNull(function);
      this.instanceType = type;
      this.invocation = (instances, arguments) -> function.apply(instances.get(type), arguments);
      return this;
    }

    public TaskDefinition build() {
      return new TaskDefinition(this);
    }
  }

  /** How the runtime calls a task: its generated invoker, given the app's instances. */
  @FunctionalInterface
  private interface Invocation {
    Object invoke(TaskInstances instances, Object[] arguments) throws Throwable;
  }
}
