package dev.celeriac.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.Extras;
import dev.celeriac.Task;
import dev.celeriac.testsupport.Waits;
import dev.celeriac.worker.Outcome;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The Guice one-liner of docs/running-workers.md: a worker runs a task on the instance a real injector makes. */
class GuiceInstancesTest {

  /** A collaborator the injector provides. */
  public interface Mailbox {
    void deliver(String text);
  }

  /** A task class with constructor injection and no no-argument constructor: Guice makes it, once. */
  @Singleton
  public static final class Newsletter {
    private final Mailbox mailbox;

    @Inject
    public Newsletter(Mailbox mailbox) {
      this.mailbox = mailbox;
    }

    @Task(name = "it.guice.send_newsletter", queue = "it-guice")
    public void sendNewsletter(long userId, @Extras Map<String, Object> extras) {
      mailbox.deliver("newsletter for " + userId + " via " + System.identityHashCode(this));
    }
  }

  @Test
  void aWorkerRunsTheTaskOnTheInjectorsInstance() {
    List<String> delivered = new CopyOnWriteArrayList<>();
    Injector injector = Guice.createInjector(new AbstractModule() {
      @Override
      protected void configure() {
        bind(Mailbox.class).toInstance(delivered::add);
      }
    });
    try (Celeriac app = Celeriac.create(CeleriacConfig.builder().brokerUrl("memory://guice-" + UUID.randomUUID())
        .instanceProvider(injector::getInstance).build())) {
      SendNewsletterTask.with().on(app).enqueue(1L);
      SendNewsletterTask.with().on(app).enqueue(2L);
      Worker worker = app.worker(WorkerOptions.builder().queues(List.of("it-guice")).concurrency(2).build()).start();
      try {
        Waits.await("both newsletters", Duration.ofSeconds(20), () -> worker.count(Outcome.SUCCEEDED) == 2,
            () -> "delivered " + delivered);
      } finally {
        worker.stop();
      }
    }
    String instance = " via " + System.identityHashCode(injector.getInstance(Newsletter.class));
    assertEquals(List.of("newsletter for 1" + instance, "newsletter for 2" + instance),
        delivered.stream().sorted().toList());
  }
}
