package dev.celeriac.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.EagerTaskException;
import dev.celeriac.Extras;
import dev.celeriac.InstanceProvider;
import dev.celeriac.Task;
import dev.celeriac.testsupport.Waits;
import dev.celeriac.worker.Outcome;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Instance tasks through the stubs the processor generates: making the instance is part of each run, so a
 * constructor that throws is a failed run, retried by the task's policy, and the next run tries again.
 */
class InstanceTasksTest {

  /** A service whose first construction fails, as one whose database is not up yet. */
  public static final class FlakyService {
    static final AtomicInteger CONSTRUCTIONS = new AtomicInteger();
    static final List<String> RUNS = new CopyOnWriteArrayList<>();

    public FlakyService() {
      if (CONSTRUCTIONS.incrementAndGet() == 1) {
        throw new IllegalStateException("database not up yet");
      }
    }

    @Task(name = "it.instances.remember", queue = "it-instances", defaultRetryDelaySeconds = 0, maxRetries = 2)
    public void remember(String what, @Extras Map<String, Object> extras) {
      RUNS.add(what + " on instance " + CONSTRUCTIONS.get());
    }
  }

  /** The same, for eager mode: a class of its own, as the first construction of each class fails. */
  public static final class FlakyEagerService {
    static final AtomicInteger CONSTRUCTIONS = new AtomicInteger();
    static final List<String> RUNS = new CopyOnWriteArrayList<>();

    public FlakyEagerService() {
      if (CONSTRUCTIONS.incrementAndGet() == 1) {
        throw new IllegalStateException("database not up yet");
      }
    }

    @Task(name = "it.instances.note", defaultRetryDelaySeconds = 0, maxRetries = 2)
    public void note(String what, @Extras Map<String, Object> extras) {
      RUNS.add(what + " on instance " + CONSTRUCTIONS.get());
    }
  }

  /** A service a container makes: the provider hands over the instance, the no-argument constructor is unused. */
  public static final class ProvidedService {
    static final List<String> RUNS = new CopyOnWriteArrayList<>();
    private final String origin;

    public ProvidedService() {
      this("its no-argument constructor");
    }

    ProvidedService(String origin) {
      this.origin = origin;
    }

    @Task(name = "it.instances.greet", defaultRetryDelaySeconds = 0, maxRetries = 1)
    public void greet(String who, @Extras Map<String, Object> extras) {
      RUNS.add("hello " + who + " from " + origin);
    }
  }

  /**
   * A service only a container can make: its one constructor takes a collaborator. The processor accepts its task
   * because the constructor carries {@code @Inject}, and generates no constructor reference for it.
   */
  public static final class InjectedService {
    static final List<String> RUNS = new CopyOnWriteArrayList<>();
    private final String greeting;

    @jakarta.inject.Inject
    public InjectedService(String greeting) {
      this.greeting = greeting;
    }

    @Task(name = "it.instances.welcome", defaultRetryDelaySeconds = 0, maxRetries = 1)
    public void welcome(String who, @Extras Map<String, Object> extras) {
      RUNS.add(greeting + " " + who);
    }
  }

  @Test
  void aConstructorThatThrowsFailsOneRunWhichIsRetriedAndLaterRunsGetAnInstance() {
    try (Celeriac app = Celeriac.create(CeleriacConfig.builder()
        .brokerUrl("memory://instances-" + UUID.randomUUID()).build())) {
      RememberTask.with().on(app).enqueue("first");
      RememberTask.with().on(app).enqueue("second");
      Worker worker = app.worker(WorkerOptions.builder().queues(List.of("it-instances")).concurrency(1).build())
          .start();
      try {
        Waits.await("both messages to run", Duration.ofSeconds(20),
            () -> worker.count(Outcome.SUCCEEDED) + worker.count(Outcome.DEAD_LETTERED) == 2,
            () -> "runs " + FlakyService.RUNS + ", dead-lettered " + worker.count(Outcome.DEAD_LETTERED));
      } finally {
        worker.stop();
      }
      assertEquals(0, worker.count(Outcome.DEAD_LETTERED));
      assertEquals(1, worker.count(Outcome.RETRIED));
      // The failed construction is not cached: the retry made the one instance both runs share.
      assertEquals(2, FlakyService.CONSTRUCTIONS.get());
      assertEquals(List.of("second on instance 2", "first on instance 2"), FlakyService.RUNS);
    }
  }

  @Test
  void eagerModeMakesInstancesTheSameWay() {
    try (Celeriac eager = Celeriac.eager()) {
      NoteTask.with().on(eager).enqueue("a");
      NoteTask.with().on(eager).enqueue("b");
    }
    assertEquals(2, FlakyEagerService.CONSTRUCTIONS.get());
    assertEquals(List.of("a on instance 2", "b on instance 2"), FlakyEagerService.RUNS);
  }

  @Test
  void theAppsInstanceProviderSuppliesTheInstanceAndItsFailureIsRetried() {
    ProvidedService bean = new ProvidedService("the container");
    AtomicInteger asked = new AtomicInteger();
    InstanceProvider container = new InstanceProvider() {
      @Override
      public <T> T get(Class<T> type) {
        if (asked.incrementAndGet() == 1) {
          throw new IllegalStateException("context still refreshing");
        }
        return type.cast(bean);
      }
    };
    try (Celeriac eager = Celeriac.create(CeleriacConfig.builder().eager(true).instanceProvider(container).build())) {
      GreetTask.with().on(eager).enqueue("ada");
    }
    assertEquals(2, asked.get());
    assertEquals(List.of("hello ada from the container"), ProvidedService.RUNS);
  }

  @Test
  void aContainerMadeClassRunsOnTheProvidersInstance() {
    InjectedService bean = new InjectedService("welcome,");
    InstanceProvider container = new InstanceProvider() {
      @Override
      public <T> T get(Class<T> type) {
        return type.cast(bean);
      }
    };
    try (Celeriac eager = Celeriac.create(CeleriacConfig.builder().eager(true).instanceProvider(container).build())) {
      WelcomeTask.with().on(eager).enqueue("grace");
    }
    assertEquals(List.of("welcome, grace"), InjectedService.RUNS);
  }

  @Test
  void aContainerMadeClassWithoutInstanceProviderFailsEveryRunSayingToConfigureOne() {
    try (Celeriac eager = Celeriac.eager()) {
      EagerTaskException failure = assertThrows(EagerTaskException.class,
          () -> WelcomeTask.with().on(eager).enqueue("nobody"));
      // Retried by the task's policy, like any failure to get an instance, then given up.
      assertTrue(failure.getMessage().startsWith("retries exhausted"), failure.getMessage());
      assertEquals("no instance of " + InjectedService.class.getName() + " to run the task on: the class has no"
          + " accessible no-argument constructor, so a dependency-injection container must supply it, and this app"
          + " has no InstanceProvider. Configure one with CeleriacConfig.builder().instanceProvider(...): the"
          + " celeriac-spring-boot-starter does; with Guice, pass injector::getInstance", failure.getCause().getMessage());
    }
    assertEquals(List.of(), InjectedService.RUNS.stream().filter(run -> run.endsWith("nobody")).toList());
  }
}
