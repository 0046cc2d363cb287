package dev.celeriac.internal;

/**
 * Calls one instance task method on {@code target} as {@link InstanceInvoker} does and returns what it returned:
 * the task's result, or null for a {@code void} method. Generated.
 *
 * @param <T> the class that declares the task method
 */
@FunctionalInterface
public interface InstanceFunction<T> {

  Object apply(T target, Object[] arguments) throws Throwable;
}
