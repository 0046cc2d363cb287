package dev.celeriac.sample;

import dev.celeriac.Extras;
import dev.celeriac.Kwarg;
import dev.celeriac.Retry;
import dev.celeriac.Task;
import dev.celeriac.TaskContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Saving events: the payload waits in the cache, the message carries only its key. */
public final class EventTasks {

  private EventTasks() {}

  /**
   * Moves an event's payload from the cache into the store. Ingest sometimes enqueues before its cache
   * write lands; the task then asks for a retry instead of failing.
   */
  @Task(name = "sample.tasks.store.save_event", queue = "events", defaultRetryDelaySeconds = 1, maxRetries = 5)
  public static void saveEvent(@Kwarg("project_id") long projectId, @Kwarg("cache_key") String cacheKey,
      @Extras Map<String, Object> kwargs) {
    String payload = EventStore.get().takePayload(cacheKey).orElse(null);
    if (payload == null) {
      SampleLog.line("save_event  %s not in cache yet (attempt %d), retrying", cacheKey,
          TaskContext.current().map(t -> t.retries() + 1).orElse(1));
      throw new Retry(Duration.ofMillis(200));
    }
    EventStore.get().save(new EventStore.Event(cacheKey, projectId, payload, Instant.now()));
    SampleLog.line("save_event  stored %s for project %d%s", cacheKey, projectId,
        kwargs.isEmpty() ? "" : " (unknown kwargs " + kwargs.keySet() + " landed in @Extras)");
  }
}
