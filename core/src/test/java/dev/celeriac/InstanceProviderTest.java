package dev.celeriac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The objects instance tasks run on: by default one per class per app, made by the constructor the stub hands
 * over; or whatever the app's {@link InstanceProvider} supplies. Getting one is part of the run.
 */
class InstanceProviderTest {

  /** A task class that counts its constructions and can be told to fail the next ones. */
  static final class Service {
    static final AtomicInteger CONSTRUCTIONS = new AtomicInteger();
    static final AtomicInteger FAILURES_LEFT = new AtomicInteger();

    Service() {
      CONSTRUCTIONS.incrementAndGet();
      if (FAILURES_LEFT.getAndDecrement() > 0) {
        throw new IllegalStateException("database not up yet");
      }
    }
  }

  private final List<Service> ranOn = new CopyOnWriteArrayList<>();

  private TaskDefinition.Builder task() {
    Service.CONSTRUCTIONS.set(0);
    Service.FAILURES_LEFT.set(0);
    return TaskDefinition.builder("tests.instance").origin("InstanceProviderTest.Service#run")
        .invoker(Service.class, Service::new, (service, arguments) -> ranOn.add(service));
  }

  private static Celeriac eager(TaskDefinition task, InstanceProvider provider) {
    CeleriacConfig.Builder config = CeleriacConfig.builder().eager(true).registry(TaskRegistry.of(List.of(task)));
    if (provider != null) {
      config.instanceProvider(provider);
    }
    return Celeriac.create(config.build());
  }

  private static void send(Celeriac app) {
    app.send("tests.instance", List.of(), Map.of(), EnqueueOptions.DEFAULTS);
  }

  @Test
  void byDefaultEachAppMakesOneInstancePerClassOnItsFirstRun() {
    TaskDefinition task = task().build();
    assertEquals(Service.class, task.instanceType().orElseThrow());
    try (Celeriac first = eager(task, null); Celeriac second = eager(task, null)) {
      assertEquals(0, Service.CONSTRUCTIONS.get());
      send(first);
      send(first);
      send(second);
    }
    assertEquals(2, Service.CONSTRUCTIONS.get());
    assertSame(ranOn.get(0), ranOn.get(1));
    assertTrue(ranOn.get(1) != ranOn.get(2), "each app has its own instance");
  }

  @Test
  void aConstructorThatThrowsIsAFailedRunRetriedByThePolicyAndNotKept() {
    TaskDefinition task = task().build();
    try (Celeriac app = eager(task, null)) {
      Service.FAILURES_LEFT.set(1);
      send(app);
      assertEquals(2, Service.CONSTRUCTIONS.get(), "the retry made it again");
      send(app);
    }
    assertEquals(2, Service.CONSTRUCTIONS.get());
    assertEquals(2, ranOn.size());
    assertSame(ranOn.get(0), ranOn.get(1));
  }

  @Test
  void aConstructorFailureThePolicyDoesNotRetryFailsThatMessageOnlyAndTheNextOneTriesAgain() {
    TaskDefinition task = task().dontRetryOn(IllegalStateException.class).build();
    try (Celeriac app = eager(task, null)) {
      Service.FAILURES_LEFT.set(1);
      EagerTaskException e = assertThrows(EagerTaskException.class, () -> send(app));
      assertTrue(e.getMessage().startsWith("failed without retry: java.lang.IllegalStateException: database not up yet"),
          e.getMessage());
      send(app);
    }
    assertEquals(2, Service.CONSTRUCTIONS.get());
    assertEquals(1, ranOn.size());
  }

  @Test
  void aProviderIsAskedOnEveryRunAndTheConstructorIsNotUsed() {
    TaskDefinition task = task().build();
    Service provided = new Service();
    List<Class<?>> asked = new ArrayList<>();
    InstanceProvider provider = new InstanceProvider() {
      @Override
      public <T> T get(Class<T> type) {
        asked.add(type);
        return type.cast(provided);
      }
    };
    try (Celeriac app = eager(task, provider)) {
      send(app);
      send(app);
    }
    assertEquals(List.of(Service.class, Service.class), asked);
    assertEquals(List.of(provided, provided), ranOn);
    assertEquals(1, Service.CONSTRUCTIONS.get(), "only the test's own");
  }

  @Test
  void aProviderThatFailsOrReturnsNullFailsTheRun() {
    TaskDefinition task = task().maxRetries(0).build();
    InstanceProvider failing = new InstanceProvider() {
      @Override
      public <T> T get(Class<T> type) {
        throw new IllegalStateException("no bean of " + type.getSimpleName());
      }
    };
    InstanceProvider empty = new InstanceProvider() {
      @Override
      public <T> T get(Class<T> type) {
        return null;
      }
    };
    try (Celeriac app = eager(task, failing)) {
      EagerTaskException e = assertThrows(EagerTaskException.class, () -> send(app));
      assertTrue(e.getMessage().contains("IllegalStateException: no bean of Service"), e.getMessage());
    }
    try (Celeriac app = eager(task, empty)) {
      EagerTaskException e = assertThrows(EagerTaskException.class, () -> send(app));
      assertTrue(e.getMessage().contains("the InstanceProvider returned null for " + Service.class.getName()),
          e.getMessage());
    }
    assertEquals(0, ranOn.size());
  }

  @Test
  void aConfigurationChangedThroughToBuilderKeepsItsInstanceProvider() {
    InstanceProvider provider = new InstanceProvider() {
      @Override
      public <T> T get(Class<T> type) {
        throw new UnsupportedOperationException();
      }
    };
    CeleriacConfig config = CeleriacConfig.builder().instanceProvider(provider).build();
    assertSame(provider, config.toBuilder().eager(true).build().instanceProvider().orElseThrow());
  }

  @Test
  void aLookupWrittenAsALambdaBecomesAProviderWhoseResultIsCheckedAgainstTheType() {
    TaskDefinition task = task().maxRetries(0).build();
    Service provided = new Service();
    Map<Class<?>, Object> container = Map.of(Service.class, provided);
    try (Celeriac app = eager(task, InstanceProvider.of(container::get))) {
      send(app);
    }
    assertEquals(List.of(provided), ranOn);
    try (Celeriac app = eager(task, InstanceProvider.of(type -> "not a service"))) {
      EagerTaskException e = assertThrows(EagerTaskException.class, () -> send(app));
      assertTrue(e.getMessage().contains("ClassCastException"), e.getMessage());
    }
  }
}
