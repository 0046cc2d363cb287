package dev.celeriac.it;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The order in which the suite's classes start (see {@link Lanes}): first those that lock both brokers, while
 * nothing else runs, then a RabbitMQ class and a Redis class in turn, so that each class that starts finds the
 * other broker's lane busy with a class that does not wait for it. JUnit starts the classes in this order and a
 * class waiting for a lock holds up those after it, so an order of one broker's classes in a row would run them
 * one at a time. Within RabbitMQ's lane the robustness classes come before the interop ones, and within Redis's
 * the interop ones first: the classes that share {@link Lanes#INTEROP_TASKS} then fall in different halves.
 * Classes that lock no broker come last; they run beside anything.
 */
public final class LaneOrder implements ClassOrderer {

  @Override
  public void orderClasses(ClassOrdererContext context) {
    List<ClassDescriptor> both = new ArrayList<>();
    List<ClassDescriptor> rabbit = new ArrayList<>();
    List<ClassDescriptor> redis = new ArrayList<>();
    List<ClassDescriptor> free = new ArrayList<>();
    for (ClassDescriptor descriptor : context.getClassDescriptors()) {
      Set<String> locks = descriptor.findRepeatableAnnotations(ResourceLock.class).stream()
          .map(ResourceLock::value).collect(Collectors.toSet());
      boolean onRabbit = locks.contains(Lanes.RABBITMQ);
      boolean onRedis = locks.contains(Lanes.REDIS);
      (onRabbit && onRedis ? both : onRabbit ? rabbit : onRedis ? redis : free).add(descriptor);
    }
    Comparator<ClassDescriptor> byName = Comparator.comparing(d -> d.getTestClass().getName());
    Comparator<ClassDescriptor> interopFirst = Comparator.comparing(LaneOrder::isInterop).reversed();
    both.sort(byName);
    rabbit.sort(interopFirst.reversed().thenComparing(byName));
    redis.sort(interopFirst.thenComparing(byName));
    free.sort(byName);
    List<ClassDescriptor> order = new ArrayList<>(both);
    for (int i = 0; i < Math.max(rabbit.size(), redis.size()); i++) {
      if (i < rabbit.size()) {
        order.add(rabbit.get(i));
      }
      if (i < redis.size()) {
        order.add(redis.get(i));
      }
    }
    order.addAll(free);
    context.getClassDescriptors().sort(Comparator.comparingInt(order::indexOf));
  }

  private static boolean isInterop(ClassDescriptor descriptor) {
    return descriptor.findRepeatableAnnotations(ResourceLock.class).stream()
        .anyMatch(lock -> lock.value().equals(Lanes.INTEROP_TASKS));
  }
}
