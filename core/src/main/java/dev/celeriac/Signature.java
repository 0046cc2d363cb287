package dev.celeriac;

import dev.celeriac.canvas.SignatureSpec;
import dev.celeriac.protocol.JsonValues;
import dev.celeriac.protocol.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A task call to be made later, as Celery's {@code signature}: the task, its arguments and its options, to link
 * after another task, chain, group or chord with {@link Canvas}. Encoded exactly as Celery encodes a signature, so
 * that a Python worker runs what Java built and the other way round. Immutable: each option returns a new one.
 *
 * <p>Made by the generated {@code XTask.signature(...)} or, for a task without a stub here, {@link #of}.
 *
 * @param <R> the task's result type
 */
public final class Signature<R> {

  private final SignatureSpec spec;
  private final Celeriac app;

  Signature(SignatureSpec spec, Celeriac app) {
    this.spec = Objects.requireNonNull(spec);
    this.app = app;
  }

  /** A signature of the task named {@code task}, with positional and keyword arguments: Celery's {@code signature(...)}. */
  public static Signature<Object> of(String task, List<?> args, Map<String, ?> kwargs) {
    List<Object> wireArgs = new ArrayList<>();
    if (args != null) {
      for (int i = 0; i < args.size(); i++) {
        wireArgs.add(JsonValues.toWire(args.get(i), "args[" + i + "]"));
      }
    }
    return new Signature<>(SignatureSpec.task(task, wireArgs, wire(kwargs == null ? Map.of() : kwargs)), null);
  }

  /**
   * A signature of {@code task} with these keyword arguments. Called by generated code ({@code XTask.signature});
   * a parameter left out is filled by the previous step's result, which travels as the first positional argument.
   */
  public static <R> Signature<R> forTask(TaskDefinition task, Map<String, Object> kwargs) {
    return new Signature<>(SignatureSpec.task(task.name(), List.of(), wire(kwargs)), null);
  }

  static Signature<Object> wrap(SignatureSpec spec) {
    return new Signature<>(spec, null);
  }

  /** The task name ({@code celery.chain}, {@code celery.group} or {@code celery.chord} for canvases). */
  public String name() {
    return spec.task();
  }

  /** Whether the previous step's result is left out of this signature's arguments. */
  public boolean isImmutable() {
    return spec.immutable();
  }

  /** Celery's dict of this signature: task, args, kwargs, options, subtask_type, immutable. */
  public Map<String, Object> toDict() {
    return spec.toWire();
  }

  /** The wire form, for the runtime. */
  SignatureSpec spec() {
    return spec;
  }

  /** This signature with the previous step's result left out of its arguments (Celery's {@code si}). */
  public Signature<R> immutable() {
    return new Signature<>(spec.asImmutable(), app);
  }

  /** Runs no sooner than {@code delay} after it is sent. */
  public Signature<R> countdown(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("countdown must not be negative: " + delay);
    }
    return option("countdown", delay.toNanos() / 1e9);
  }

  /** Runs no sooner than {@code when}. */
  public Signature<R> eta(Instant when) {
    return option("eta", Timestamps.format(when));
  }

  /** Discarded if it has not started within {@code ttl} of being sent. */
  public Signature<R> expires(Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("expires must be positive: " + ttl);
    }
    return option("expires", ttl.toNanos() / 1e9);
  }

  /** Sent to {@code queue} instead of the task's own. */
  public Signature<R> queue(String queue) {
    return option("queue", TaskCall.checkedQueue(queue));
  }

  /** The message priority, 0 to 9. */
  public Signature<R> priority(int priority) {
    if (priority < 0 || priority > 9) {
      throw new IllegalArgumentException("priority must be between 0 and 9, was " + priority);
    }
    return option("priority", priority);
  }

  /** Sent with the hard time limit {@code limit} ({@code time_limit}, whole seconds). */
  public Signature<R> timeLimit(Duration limit) {
    return option("time_limit", limit.toSeconds());
  }

  /** Runs {@code callback} with this task's result prepended to its arguments once this task succeeded. */
  public Signature<R> link(Signature<?> callback) {
    return new Signature<>(spec.withListOption("link", callback.spec.toWire()), app);
  }

  /** Sends {@code errback} with this task's id as its first argument if this task fails for good. */
  public Signature<R> linkError(Signature<?> errback) {
    return new Signature<>(spec.withListOption("link_error", errback.spec.toWire()), app);
  }

  /**
   * Sets a Celery option by its wire name ({@code shadow}, {@code soft_time_limit}, {@code ignore_result},
   * {@code headers}, ...), for what has no method here.
   */
  public Signature<R> option(String name, Object value) {
    return new Signature<>(spec.withOption(name, JsonValues.toWire(value, "option '" + name + "'")), app);
  }

  /** Applies through {@code app} instead of {@link Celeriac#getDefault()}. */
  public Signature<R> on(Celeriac app) {
    return new Signature<>(spec, Objects.requireNonNull(app));
  }

  /**
   * Sends it, as Celery's {@code apply_async}: a task's message; a chain's first step, carrying the rest; a
   * chord's header tasks. Returns the task of the result: the task's, the chain's last step's or the chord body's.
   */
  public TaskRef<R> apply() {
    return target().applyCanvas(spec);
  }

  private Celeriac target() {
    return app != null ? app : Celeriac.getDefault();
  }

  Celeriac app() {
    return app;
  }

  private static Map<String, Object> wire(Map<String, ?> kwargs) {
    Map<String, Object> out = new LinkedHashMap<>();
    kwargs.forEach((key, value) -> out.put(key, JsonValues.toWire(value, "argument '" + key + "'")));
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Signature<?> other && spec.equals(other.spec);
  }

  @Override
  public int hashCode() {
    return spec.hashCode();
  }

  @Override
  public String toString() {
    return spec.toWire().toString();
  }
}
