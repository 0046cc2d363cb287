package dev.celeriac.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The prefetch a worker ends up with, as {@code run worker -c N} derives it from the configured options. */
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
}
