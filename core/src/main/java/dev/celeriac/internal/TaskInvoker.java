package dev.celeriac.internal;

/**
 * Calls one task method with arguments already bound and converted by the runtime: {@code arguments[i]}
 * is the i-th parameter, boxed for primitives, and the last element is the extras map. Generated; there
 * is no reflection on the way from message to method.
 */
@FunctionalInterface
public interface TaskInvoker {

  void invoke(Object[] arguments) throws Throwable;
}
