package dev.celeriac.sample;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stands in for the app's cache and database: ingest writes raw payloads to the cache under a key, the
 * save task moves them into the event table. Thread-safe.
 */
public final class EventStore {

  /** A stored event. */
  public record Event(String id, long projectId, String message, Instant receivedAt) {}

  private static final EventStore INSTANCE = new EventStore();

  private final Map<String, String> cache = new ConcurrentHashMap<>();
  private final Map<String, Event> events = new ConcurrentHashMap<>();

  public static EventStore get() {
    return INSTANCE;
  }

  public void cachePayload(String cacheKey, String payload) {
    cache.put(cacheKey, payload);
  }

  public Optional<String> takePayload(String cacheKey) {
    return Optional.ofNullable(cache.remove(cacheKey));
  }

  public void save(Event event) {
    events.put(event.id(), event);
  }

  public List<Event> eventsOf(long projectId) {
    return events.values().stream().filter(e -> e.projectId() == projectId).toList();
  }

  /** Deletes events received before {@code cutoff}; returns how many. */
  // A ConcurrentHashMap's views allow removal while iterating.
  @SuppressWarnings("ModifyCollectionInEnhancedForLoop")
  public int deleteBefore(Instant cutoff) {
    int deleted = 0;
    for (Event event : events.values()) {
      if (event.receivedAt().isBefore(cutoff) && events.remove(event.id(), event)) {
        deleted++;
      }
    }
    return deleted;
  }

  public int size() {
    return events.size();
  }
}
