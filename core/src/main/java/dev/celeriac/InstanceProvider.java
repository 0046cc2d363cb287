package dev.celeriac;

import java.util.Objects;
import java.util.function.Function;

/**
 * Supplies the objects that instance tasks (non-static {@code @Task} methods) run on, typically from a
 * dependency-injection container: {@code applicationContext::getBean} (Spring), {@code injector::getInstance}
 * (Guice), or {@code InstanceProvider.of(type -> CDI.current().select(type).get())} (CDI, Quarkus). Set it with
 * {@link CeleriacConfig.Builder#instanceProvider}.
 *
 * <p>It is asked on every run of an instance task, from several worker threads at once, so it must be
 * thread-safe, and it decides the scope: a container's singleton is the usual choice. Getting the instance is
 * part of the run: an exception it throws, or a null it returns, fails that run, which is retried by the
 * task's policy like any other failure.
 *
 * <p>Without a provider, an app makes one instance per class with the class's no-argument constructor, on the
 * first run that needs it, and keeps it; a constructor that throws fails that run only, and the next run
 * tries again.
 */
@FunctionalInterface
public interface InstanceProvider {

  /** The instance to run a task of {@code type} on; never null. */
  <T> T get(Class<T> type);

  /**
   * A provider from a lookup written as a lambda, which Java cannot write for the generic {@link #get} itself: for
   * CDI, {@code InstanceProvider.of(type -> CDI.current().select(type).get())}. What the lookup returns is cast to
   * the type asked for.
   */
  static InstanceProvider of(Function<Class<?>, ?> lookup) {
    Objects.requireNonNull(lookup);
    return new InstanceProvider() {
      @Override
      public <T> T get(Class<T> type) {
        return type.cast(lookup.apply(type));
      }
    };
  }
}
