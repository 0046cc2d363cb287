package dev.celeriac;

import dev.celeriac.rules.Names;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Options for one enqueue, set fluently before the typed {@code enqueue} of a generated stub's
 * {@code Call}: {@code SaveEventTask.with().countdown(Duration.ofMinutes(5)).enqueue(projectId, key)}.
 * A {@code Call} is for one enqueue at a time and is not thread-safe; {@code with()} makes a new one.
 *
 * @param <C> the generated {@code Call} type, so that options chain
 */
public abstract class TaskCall<C extends TaskCall<C>> {

  private final TaskDefinition definition;
  private Celeriac app;
  private Batch batch;
  private Duration countdown;
  private Instant eta;
  private Duration expires;
  private String queue;
  private Integer priority;
  private final List<Object> links = new ArrayList<>();
  private final List<Object> errorLinks = new ArrayList<>();

  protected TaskCall(TaskDefinition definition) {
    this.definition = Objects.requireNonNull(definition);
  }

  /** Runs the task no sooner than {@code delay} from now. Replaces an earlier {@link #eta}. */
  public C countdown(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("countdown must not be negative: " + delay);
    }
    this.countdown = delay;
    this.eta = null;
    return self();
  }

  /** Runs the task no sooner than {@code when}. Replaces an earlier {@link #countdown}. */
  public C eta(Instant when) {
    this.eta = Objects.requireNonNull(when);
    this.countdown = null;
    return self();
  }

  /** Discards the message instead of running it if it has not started within {@code ttl} of now. */
  public C expires(Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("expires must be positive: " + ttl);
    }
    this.expires = ttl;
    return self();
  }

  /** Sends to {@code queue} instead of the task's own queue. */
  public C queue(String queue) {
    this.queue = checkedQueue(queue);
    return self();
  }

  /**
   * {@code queue}, when it is a queue name as {@link Names#isQueueName} says, the rule the processor applies to
   * {@code @Task(queue = ...)}.
   *
   * @throws IllegalArgumentException when it is not
   */
  static String checkedQueue(String queue) {
    if (queue == null || !Names.isQueueName(queue)) {
      throw new IllegalArgumentException("queue '" + queue + "' is not a queue name: it must not be blank or"
          + " contain white space");
    }
    return queue;
  }

  /**
   * The message priority, 0 to 9. On Redis 0 is the highest, as in Celery; on RabbitMQ it only has effect
   * on a queue declared with {@code x-max-priority}.
   */
  public C priority(int priority) {
    if (priority < 0 || priority > 9) {
      throw new IllegalArgumentException("priority must be between 0 and 9, was " + priority);
    }
    this.priority = priority;
    return self();
  }

  /**
   * Sends {@code callback} once this task succeeded, with its result prepended to the callback's arguments
   * (unless the callback is {@link Signature#immutable()}): Celery's {@code link}.
   */
  public C link(Signature<?> callback) {
    links.add(callback.spec().toWire());
    return self();
  }

  /**
   * Sends {@code errback} with this task's id as its first argument if this task fails for good: Celery's
   * {@code link_error}.
   */
  public C linkError(Signature<?> errback) {
    errorLinks.add(errback.spec().toWire());
    return self();
  }

  /** Enqueues through {@code app} instead of {@link Celeriac#getDefault()}. */
  public C on(Celeriac app) {
    this.app = Objects.requireNonNull(app);
    return self();
  }

  /**
   * Adds the message to {@code batch} instead of sending it now; the batch's app is used. The broker
   * holds it once the batch is sent.
   */
  public C in(Batch batch) {
    this.batch = Objects.requireNonNull(batch);
    this.app = batch.app();
    return self();
  }

  private Map<String, Object> linkOptions() {
    Map<String, Object> options = new LinkedHashMap<>();
    if (queue != null) {
      options.put("queue", queue);
    }
    if (countdown != null) {
      options.put("countdown", countdown.toNanos() / 1e9);
    }
    if (eta != null) {
      options.put("eta", dev.celeriac.protocol.Timestamps.format(eta));
    }
    if (expires != null) {
      options.put("expires", expires.toNanos() / 1e9);
    }
    if (priority != null) {
      options.put("priority", priority);
    }
    if (!links.isEmpty()) {
      options.put("link", new ArrayList<>(links));
    }
    if (!errorLinks.isEmpty()) {
      options.put("link_error", new ArrayList<>(errorLinks));
    }
    return options;
  }

  /** This object, typed as the generated subclass. */
  protected abstract C self();

  /**
   * Enqueues with the named keyword arguments plus the caller's extras; called by generated code. An
   * extras key that names a parameter of the task is refused, since the typed argument already says it.
   */
  protected final <R> TaskRef<R> send(Map<String, Object> kwargs, Map<String, Object> extras) {
    Celeriac target = app != null ? app : Celeriac.getDefault();
    if (!links.isEmpty() || !errorLinks.isEmpty()) {
      if (batch != null) {
        throw new IllegalStateException("link and linkError are not supported in a batch; enqueue the task on its own");
      }
      return target.applyLinked(definition, kwargs, extras, linkOptions());
    }
    EnqueueOptions options = new EnqueueOptions(queue, countdown, eta, expires, priority);
    return target.enqueue(definition, kwargs, extras, options, batch);
  }

  /**
   * Enqueues with the task's first {@code values.length} parameters, in declaration order, as keyword
   * arguments and no keyword at all for the parameters after them, so that the worker binds those to their
   * {@code @Default}, or to null, as Celery binds what a Python caller leaves out. Called by the generated
   * overloads that leave out trailing optional parameters.
   */
  protected final <R> TaskRef<R> sendLeading(Object... values) {
    List<Parameter> parameters = definition.parameters();
    if (values.length > parameters.size()) {
      throw new IllegalArgumentException(values.length + " values for task '" + definition.name() + "', which takes "
          + parameters.size());
    }
    Map<String, Object> kwargs = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      kwargs.put(parameters.get(i).keyword(), values[i]);
    }
    return send(kwargs, noExtras());
  }

  /**
   * An empty extras map. Generated code calls this rather than {@code Map.of()}, which a task parameter
   * named {@code Map} would shadow.
   */
  protected static Map<String, Object> noExtras() {
    return Map.of();
  }

  /** The definition of the task this call enqueues. */
  protected final TaskDefinition definition() {
    return definition;
  }
}
