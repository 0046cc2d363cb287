package dev.celeriac.spring.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.spring.boot.CeleriacCronLifecycle;
import dev.celeriac.spring.boot.CeleriacWorkerLifecycle;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;

/**
 * {@code celeriac.eager=true} in a {@code @SpringBootTest}: an enqueue runs the task in the test's thread, on the
 * context's bean, before it returns; no broker, no worker, no cron, even though the properties enable them.
 */
@SpringBootTest(classes = TestApplication.class, properties = {
    "celeriac.eager=true",
    "celeriac.broker-url=redis://127.0.0.1:1/0",
    "celeriac.worker.enabled=true",
    "celeriac.cron.enabled=true"})
@DirtiesContext
class EagerModeTest {

  @Autowired
  ApplicationContext context;

  @Autowired
  Celeriac app;

  @Autowired
  Outbox outbox;

  @Autowired
  GreetingService greetingService;

  @Autowired
  LedgerDatabase ledgerDatabase;

  @Test
  void anEnqueueRunsTheTaskInTheTestThreadOnTheBean() {
    GreetTask.enqueue("grace");
    Outbox.Entry ran = outbox.find("hello grace");
    assertSame(Thread.currentThread(), ran.thread());
    assertSame(greetingService, ran.on());
  }

  @Test
  void aBeanWhoseCreationFailsIsRetriedAtOnceInTheTestThread() {
    BookTask.enqueue(7L);
    assertSame(Thread.currentThread(), outbox.find("booked 7").thread());
    assertEquals(2, ledgerDatabase.connections());
  }

  @Test
  void theEagerAppConnectsToNoBrokerAndRunsNoWorkerOrCron() {
    assertTrue(app.config().eager());
    assertSame(app, Celeriac.getDefault());
    // Not the unreachable Redis of celeriac.broker-url: the context would not have started.
    assertEquals("memory://", app.broker().displayUrl());
    assertEquals(List.of(), List.copyOf(context.getBeansOfType(CeleriacWorkerLifecycle.class).keySet()));
    assertEquals(List.of(), List.copyOf(context.getBeansOfType(CeleriacCronLifecycle.class).keySet()));
  }
}
