package dev.celeriac.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.TaskDefinition;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sample as a user's project sees it: generated stubs, the index through ServiceLoader, the main job. */
class SampleAppTest {

  @Test
  void mainJobRunsEverythingAndSucceeds() throws InterruptedException {
    assertEquals(0, SampleApp.runMainJob());
    assertEquals(2, EventStore.get().eventsOf(42).size());
    assertEquals(1, EventStore.get().eventsOf(7).size());
  }

  @Test
  void indexListsEveryTaskIncludingTheOneImplementedInPython() {
    try (Celeriac app = Celeriac.connect("memory://sample-index")) {
      assertEquals(List.of("sample.tasks.cleanup.delete_old_events", "sample.tasks.digests.send_digest",
          "sample.tasks.store.save_event", "sentry.tasks.symbolication.symbolicate_event"),
          app.registry().tasks().stream().map(TaskDefinition::name).toList());
      assertFalse(app.registry().find(SymbolicateTask.NAME).orElseThrow().isImplemented());
      assertTrue(app.registry().find(DeleteOldEventsTask.NAME).orElseThrow().schedule().isPresent());
    }
  }

  @Test
  void eagerModeForTests() {
    Celeriac eager = Celeriac.eager();
    EventStore.get().cachePayload("event:eager", "payload");

    SaveEventTask.with().on(eager).enqueue(99, "event:eager");

    assertEquals(1, EventStore.get().eventsOf(99).size());
  }
}
