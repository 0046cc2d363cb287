package dev.celeriac.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The prefetch a worker ends up with, as {@code run worker -c N} derives it from the configured options, and the queues
 * it may consume.
 */
class WorkerOptionsTest {

  @Test
  void theDefaultPrefetchIsAutomaticWhateverTheConcurrency() {
    WorkerOptions configured = WorkerOptions.builder().concurrency(2).build();
    assertEquals(0, configured.prefetch());
    assertEquals(0, configured.toBuilder().concurrency(16).build().prefetch());
    assertEquals(64, PrefetchWindow.of(configured.toBuilder().concurrency(16).build()).size(),
        "Celery's 4 per slot until the tasks are measured");
  }

  @Test
  void anExplicitPrefetchStaysAndIsNeverBelowOnePerSlot() {
    WorkerOptions configured = WorkerOptions.builder().concurrency(2).prefetch(100).build();
    assertEquals(100, configured.toBuilder().concurrency(16).build().prefetch());
    assertEquals(4, WorkerOptions.builder().concurrency(4).prefetch(1).build().prefetch());
  }

  /** The queue rule the processor applies to {@code @Task(queue = ...)}, for {@code -Q} and remote control too. */
  @Test
  void theQueuesConsumedAreQueueNames() {
    assertEquals(List.of("celery", "events:high"),
        WorkerOptions.builder().queues(List.of("celery", "events:high")).build().queues());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WorkerOptions.builder().queues(List.of("celery", " events")));
    assertEquals("queue ' events' of [celery,  events] is not a queue name: it must not be blank or contain white"
        + " space", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> WorkerOptions.builder().queues(List.of("")));
  }
}
