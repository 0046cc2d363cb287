package dev.celeriac.processor.model;

import com.squareup.javapoet.ClassName;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * A {@code @Task} method that passed every check: all a writer needs, and nothing a writer has to check.
 *
 * @param name the task name on the wire
 * @param method the {@code @Task} method, where diagnostics about the task go. javac gives each round new
 *     elements for the same sources: one from an earlier round has no source position, see {@link #inRound}
 * @param declaringType the type that declares the method (the originating element of its stub)
 * @param declaringClass the same type as JavaPoet names it
 * @param methodName the method's simple name
 * @param invocation how a worker calls it
 * @param stub the class generated for it
 * @param queue its default queue
 * @param retry its retry policy and timing
 * @param schedule its {@code @Periodic} schedule, if any
 * @param parameters its parameters in declaration order, without the extras map
 * @param extrasName the Java name of its {@code @Extras} parameter
 * @param result the type it returns, boxed; empty for {@code void}
 * @param ignoreResult {@code @Task(ignoreResult)}
 * @param trackStarted {@code @Task(trackStarted)}
 */
public record TaskDescriptor(String name, ExecutableElement method, TypeElement declaringType,
    ClassName declaringClass, String methodName, Invocation invocation, ClassName stub, String queue,
    RetryDescriptor retry, Optional<ScheduleDescriptor> schedule, List<ParameterDescriptor> parameters,
    String extrasName, Optional<ValueTypeDescriptor> result, boolean ignoreResult, boolean trackStarted) {

  /** How a worker reaches the method. */
  public enum Invocation {
    /** A static method: called on its class. */
    STATIC,
    /**
     * An instance method of a concrete class: called on the instance the app supplies, by default one per class
     * made with the no-argument constructor.
     */
    INSTANCE,
    /**
     * An instance method of a concrete class that a dependency-injection container creates and that has no
     * no-argument constructor: called on the instance the app's {@code InstanceProvider} supplies.
     */
    PROVIDED,
    /** An abstract method: implemented elsewhere, so there is a stub and no invoker. */
    ABSTRACT
  }

  public TaskDescriptor {
    Objects.requireNonNull(name);
    Objects.requireNonNull(method);
    Objects.requireNonNull(declaringType);
    Objects.requireNonNull(invocation);
    Objects.requireNonNull(schedule);
    Objects.requireNonNull(result);
    parameters = List.copyOf(parameters);
  }

  /** The same task with the elements of a later round: {@code method} is the same method in that round. */
  public TaskDescriptor inRound(ExecutableElement method) {
    return new TaskDescriptor(name, method, (TypeElement) method.getEnclosingElement(), declaringClass, methodName,
        invocation, stub, queue, retry, schedule, parameters, extrasName, result, ignoreResult, trackStarted);
  }

  /** Where the task was declared, as {@code com.acme.EventTasks#saveEvent}. */
  public String origin() {
    return declaringClass.canonicalName() + "#" + methodName;
  }

  /** The {@code R} of the stub's {@code TaskRef<R>}: the boxed result type, {@code Void} for none. */
  public com.squareup.javapoet.TypeName resultJavaType() {
    return result.map(ValueTypeDescriptor::javaType).orElse(ClassName.get(Void.class));
  }

  /** Whether a worker in this JVM can run it. */
  public boolean isImplemented() {
    return invocation != Invocation.ABSTRACT;
  }
}
