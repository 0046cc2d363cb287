package dev.celeriac.internal;

/**
 * Calls one instance task method on {@code target} with arguments already bound and converted by the
 * runtime, laid out as for {@link TaskInvoker}. Generated; the runtime supplies {@code target} (see
 * {@link TaskInstances}).
 *
 * @param <T> the class that declares the task method
 */
@FunctionalInterface
public interface InstanceInvoker<T> {

  void invoke(T target, Object[] arguments) throws Throwable;
}
