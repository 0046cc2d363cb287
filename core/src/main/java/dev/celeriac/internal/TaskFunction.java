package dev.celeriac.internal;

/**
 * Calls one static task method as {@link TaskInvoker} does and returns what it returned: the task's result, or
 * null for a {@code void} method. Generated.
 */
@FunctionalInterface
public interface TaskFunction {

  Object apply(Object[] arguments) throws Throwable;
}
