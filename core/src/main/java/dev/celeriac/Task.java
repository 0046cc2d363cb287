package dev.celeriac;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a background task: a method that a worker runs when a message named {@link #name()} arrives.
 *
 * <p>The Celeriac annotation processor checks every {@code @Task} method when it compiles and fails the
 * build, with the error on the offending element, unless:
 * <ul>
 *   <li>the method is not private, not generic and returns {@code void} (results are not stored);</li>
 *   <li>it is static, abstract (the task runs elsewhere, for example in a Python Celery worker), or an
 *       instance method of a concrete class with an accessible no-argument constructor or one that a
 *       dependency-injection container creates: the class carries {@code @Component} (or a stereotype such as
 *       {@code @Service}), {@code @Singleton} or {@code @ApplicationScoped}, or a constructor carries {@code @Inject}
 *       or {@code @Autowired}, and the app's {@link InstanceProvider} supplies its instances;</li>
 *   <li>its enclosing class is top-level or a static nested class that is not private;</li>
 *   <li>every parameter is small and primitive: one of the eight primitives, their boxes, {@code String},
 *       an enum (it travels by constant name) or a {@code List} of those. Arguments travel in the message:
 *       pass an id and load the object in the task;</li>
 *   <li>the last parameter, and only it, is the {@link Extras @Extras Map<String, Object>} that receives
 *       keyword arguments the method does not name, so that messages from older or newer deploys never
 *       fail on unknown arguments.</li>
 * </ul>
 *
 * <p>For a method {@code doWork} the processor generates {@code DoWorkTask} in the same package, with
 * typed {@code enqueue} methods, and registers the task in this compilation's task index, which workers
 * find through {@link java.util.ServiceLoader}: there is no list of task modules to keep by hand.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Task {

  /**
   * The task's name on the wire (the Celery {@code task} header), for example
   * {@code "sentry.tasks.store.save_event"}. Required. It must match
   * {@code [A-Za-z_][A-Za-z0-9_.:-]*}, be at most 200 characters long, and be unique in the compilation;
   * a duplicate across separately compiled modules fails the worker at start-up.
   */
  String name();

  /** The queue the task's messages go to unless a caller picks another. Not blank, no whitespace. */
  String queue() default "celery";

  /** Seconds before a failed run is retried (the base of the backoff when {@link #retryBackoff()}). Not negative. */
  int defaultRetryDelaySeconds() default 180;

  /**
   * How many times a failing task is retried: it runs at most {@code 1 + maxRetries} times, then its message
   * goes to the dead-letter store. Not negative.
   */
  int maxRetries() default 3;

  /** Exceptions (with their subclasses) that cause a retry. */
  Class<? extends Throwable>[] retryOn() default {Exception.class};

  /** Exceptions that fail the task at once, without retry, even when {@link #retryOn()} matches. */
  Class<? extends Throwable>[] dontRetryOn() default {};

  /**
   * When true, the n-th retry waits {@code defaultRetryDelaySeconds × 2^n} seconds, capped at ten minutes
   * (or the base delay if that is longer), with jitter that spreads each delay over its upper half.
   */
  boolean retryBackoff() default false;

  /**
   * Seconds a run may take before the worker interrupts it and fails it without retry; 0 means no limit.
   * Not negative. The interruption is cooperative: blocking calls and checks of
   * {@link Thread#isInterrupted()} end the run.
   */
  int timeLimitSeconds() default 0;

  /**
   * Seconds after enqueue at which a message that has not started is discarded rather than run;
   * 0 means never. Not negative. A caller can override it with {@code with().expires(...)}.
   */
  int expiresSeconds() default 0;

  /**
   * When true, no result is stored for this task, as Celery's {@code ignore_result}: no STARTED, SUCCESS, RETRY,
   * FAILURE or REVOKED; producers send {@code ignore_result: true}. Only matters with a result backend.
   */
  boolean ignoreResult() default false;

  /**
   * When true, the worker stores STARTED when a run starts, as Celery's {@code track_started}, so that
   * {@link TaskRef#state()} tells a queued task from a running one.
   */
  boolean trackStarted() default false;
}
