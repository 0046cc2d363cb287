package dev.celeriac.result;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Results held in this JVM by task id, and a wait for one to become ready: the store of the memory backend and the
 * replies an rpc:// producer received. Thread-safe.
 */
public final class ResultTable {

  private final Map<String, ResultMeta> results;

  /** A table that keeps every result until it is removed. */
  public ResultTable() {
    this.results = new HashMap<>();
  }

  /** A table that keeps the {@code capacity} most recently used results; older ones read as PENDING. */
  public ResultTable(int capacity) {
    this.results = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, ResultMeta> eldest) {
        return size() > capacity;
      }
    };
  }

  /** Keeps {@code meta} as its task's latest state and wakes those waiting for it. */
  public synchronized void put(ResultMeta meta) {
    results.put(meta.taskId(), meta);
    notifyAll();
  }

  /** As {@link #put}, unless a SUCCESS is kept already: as Celery's backends, a later state never replaces it. */
  public synchronized void putUnlessSucceeded(ResultMeta meta) {
    ResultMeta current = results.get(meta.taskId());
    if (current == null || current.state() != TaskState.SUCCESS) {
      put(meta);
    }
  }

  /** The latest state kept, or PENDING. */
  public synchronized ResultMeta get(String taskId) {
    ResultMeta meta = results.get(taskId);
    return meta != null ? meta : ResultMeta.pending(taskId);
  }

  /** The ready state of {@code taskId} once kept, or empty after {@code timeout}. */
  public synchronized Optional<ResultMeta> await(String taskId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      ResultMeta meta = results.get(taskId);
      if (meta != null && meta.state().isReady()) {
        return Optional.of(meta);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  public synchronized void remove(String taskId) {
    results.remove(taskId);
  }

  public synchronized void clear() {
    results.clear();
  }
}
