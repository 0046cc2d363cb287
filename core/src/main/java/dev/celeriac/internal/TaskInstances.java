package dev.celeriac.internal;

import dev.celeriac.ConfigurationException;
import dev.celeriac.InstanceProvider;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The objects one app's instance tasks run on. With an {@link InstanceProvider}, every run asks it. Without
 * one, the app makes one instance per class with the constructor the generated stub hands over, on the first
 * run that needs it, and keeps it; a class a container creates has no such constructor, and its runs fail. Making or getting the instance happens inside the run, so a failure is a
 * failed run that the task's policy retries; a failure is never kept, so the next run tries again. Thread-safe.
 */
public final class TaskInstances {

  private final InstanceProvider provider;
  private final ConcurrentMap<Class<?>, Made> made = new ConcurrentHashMap<>();

  private TaskInstances(InstanceProvider provider) {
    this.provider = provider;
  }

  /** Instances made with their classes' no-argument constructors, one per class. */
  public static TaskInstances constructed() {
    return new TaskInstances(null);
  }

  /** Instances from {@code provider}, asked on every run. */
  public static TaskInstances from(InstanceProvider provider) {
    return new TaskInstances(Objects.requireNonNull(provider));
  }

  /**
   * The instance to run a task declared by {@code type} on.
   *
   * @param constructor the class's no-argument constructor, used when there is no provider
   * @throws Exception whatever the provider or the constructor throws
   */
  public <T> T get(Class<T> type, Callable<? extends T> constructor) throws Exception {
    if (provider == null) {
      return type.cast(made.computeIfAbsent(type, key -> new Made()).get(constructor));
    }
    return provided(type);
  }

  /**
   * The instance to run a task declared by {@code type} on, a class only a dependency-injection container can make:
   * it has no accessible no-argument constructor.
   *
   * @throws ConfigurationException when the app has no provider, saying to configure one
   * @throws Exception whatever the provider throws
   */
  public <T> T get(Class<T> type) throws Exception {
    if (provider == null) {
      throw new ConfigurationException("no instance of " + type.getName() + " to run the task on: the class has no"
          + " accessible no-argument constructor, so a dependency-injection container must supply it, and this app"
          + " has no InstanceProvider. Configure one with CeleriacConfig.builder().instanceProvider(...): the"
          + " celeriac-spring-boot-starter does; with Guice, pass injector::getInstance");
    }
    return provided(type);
  }

  private <T> T provided(Class<T> type) {
    T instance = provider.get(type);
    if (instance == null) {
      throw new IllegalStateException("the InstanceProvider returned null for " + type.getName());
    }
    return type.cast(instance);
  }

  /** The one instance of a class, made by the first caller that succeeds; concurrent callers wait for it. */
  private static final class Made {
    private volatile Object instance;

    Object get(Callable<?> constructor) throws Exception {
      Object current = instance;
      if (current == null) {
        synchronized (this) {
          current = instance;
          if (current == null) {
            current = constructor.call();
            instance = current;
          }
        }
      }
      return current;
    }
  }
}
