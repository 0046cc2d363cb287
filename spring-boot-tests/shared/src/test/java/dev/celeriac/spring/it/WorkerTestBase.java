package dev.celeriac.spring.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.spring.boot.CeleriacWorkerLifecycle;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The starter's worker in a real application, on a real broker (the subclass names it): tasks on the context's
 * beans, enqueued through the generated stubs without {@code .on(app)}, run by the worker started with the
 * application, with its meters in the context's registry. The context closes after the class, so that its worker
 * stops before another test class's starts.
 */
@SpringBootTest(classes = TestApplication.class, properties = {
    "celeriac.worker.enabled=true",
    "celeriac.worker.queues=spring-it",
    "celeriac.worker.concurrency=2",
    "celeriac.worker.prefetch=8",
    "celeriac.worker.hostname=spring-it@%h"})
@DirtiesContext
abstract class WorkerTestBase {

  private static final Duration WITHIN = Duration.ofSeconds(30);

  @Autowired
  Celeriac app;

  @Autowired
  Outbox outbox;

  @Autowired
  GreetingService greetingService;

  @Autowired
  LedgerDatabase ledgerDatabase;

  @Autowired
  MeterRegistry meters;

  @Autowired
  CeleriacWorkerLifecycle worker;

  @Test
  void theAppIsConfiguredFromThePropertiesAndIsTheDefault() {
    assertSame(app, Celeriac.getDefault());
    assertEquals(List.of("spring-it"), app.config().worker().queues());
    assertEquals(2, app.config().worker().concurrency());
    assertEquals(8, app.config().worker().prefetch());
    assertTrue(worker.isRunning());
    assertEquals(List.of("spring-it"), worker.worker().orElseThrow().queues());
    String hostname = worker.worker().orElseThrow().hostname();
    assertTrue(hostname.startsWith("spring-it@") && !hostname.contains("%"), "the node name expanded: " + hostname);
  }

  @Test
  void aTaskOnAServiceRunsOnTheBeanInTheWorker() {
    GreetTask.enqueue("ada");
    await().atMost(WITHIN).until(() -> outbox.texts().contains("hello ada"));
    Outbox.Entry ran = outbox.find("hello ada");
    assertSame(greetingService, ran.on(), "the task ran on the context's bean");
    assertTrue(ran.thread().getName().startsWith("celeriac-worker-"), ran.thread().getName());
  }

  @Test
  void aBeanWhoseCreationFailsOnceIsRetriedAndTheRetryRuns() {
    BookTask.enqueue(42L);
    // The worker records the outcome once the task returned, after what the task itself did.
    await().atMost(WITHIN).until(() -> meters.find("celeriac.task.outcomes")
        .tags("task", "spring.it.book", "outcome", "succeeded").counter() != null);
    assertEquals(List.of("booked 42"), outbox.texts().stream().filter(text -> text.startsWith("booked")).toList());
    assertEquals(2, ledgerDatabase.connections(), "the first creation failed, the retry's succeeded");
    assertEquals(1.0, meters.get("celeriac.task.outcomes").tags("task", "spring.it.book", "outcome", "retried")
        .counter().count());
    assertEquals(1.0, meters.get("celeriac.task.outcomes").tags("task", "spring.it.book", "outcome", "succeeded")
        .counter().count());
    assertEquals(1, meters.get("celeriac.task.duration").tags("task", "spring.it.book").timer().count());
  }

  @Test
  void aClassThatIsNoBeanIsMadeOnceByTheContext() {
    NoteTask.enqueue("first");
    NoteTask.enqueue("second");
    await().atMost(WITHIN).until(() -> outbox.texts().containsAll(List.of("noted first", "noted second")));
    Object first = outbox.find("noted first").on();
    assertInstanceOf(PlainTasks.class, first);
    assertSame(first, outbox.find("noted second").on(), "one instance for both runs");
  }
}
