package dev.celeriac.worker;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The task ids a worker discards, as Celery's {@code LimitedSet}: at most {@link #MAX_SIZE} ids (the oldest go
 * first), each for {@code expires} after it was revoked. Times are this JVM's monotonic clock, in Celery's unit:
 * on Linux, {@link System#nanoTime()} and Python's {@code time.monotonic()} read the same clock, so the
 * timestamps exchanged with Python workers at start (mingle) mean the same on one host. Lookups take no lock;
 * changes take one. Thread-safe.
 */
public final class RevokedTasks {

  /** Celery's {@code REVOKES_MAX}. */
  public static final int MAX_SIZE = 50_000;
  /** Celery's {@code REVOKE_EXPIRES}: three hours. */
  public static final Duration DEFAULT_EXPIRES = Duration.ofHours(3);

  private final long expiresNanos;
  private final LongSupplier nanoTime;
  /** When each id was revoked, by the monotonic clock. */
  private final Map<String, Long> revokedAt = new ConcurrentHashMap<>();
  /** The same entries, oldest first, for eviction. Guarded by this. */
  private final TreeSet<Entry> byAge = new TreeSet<>();

  private record Entry(long at, String id) implements Comparable<Entry> {
    @Override
    public int compareTo(Entry other) {
      int byTime = Long.compare(at, other.at);
      return byTime != 0 ? byTime : id.compareTo(other.id);
    }
  }

  public RevokedTasks(Duration expires) {
    this(expires, System::nanoTime);
  }

  RevokedTasks(Duration expires, LongSupplier nanoTime) {
    if (expires.isNegative() || expires.isZero()) {
      throw new IllegalArgumentException("revoke expiry must be positive, was " + expires);
    }
    this.expiresNanos = expires.toNanos();
    this.nanoTime = nanoTime;
  }

  /** How long an id stays revoked. */
  public Duration expires() {
    return Duration.ofNanos(expiresNanos);
  }

  /** Whether {@code id} is revoked now. */
  public boolean contains(String id) {
    Long at = revokedAt.get(id);
    return at != null && nanoTime.getAsLong() - at < expiresNanos;
  }

  /** Revokes {@code ids} from now on, for {@link #expires()}. */
  public synchronized void addAll(Collection<String> ids) {
    long now = nanoTime.getAsLong();
    for (String id : ids) {
      put(id, now);
    }
    purge(now);
  }

  /** Revokes {@code id} until {@code remaining} from now: an entry of the broker's store. */
  public synchronized void addRemaining(String id, Duration remaining) {
    long now = nanoTime.getAsLong();
    long left = Math.min(remaining.toNanos(), expiresNanos);
    if (left > 0) {
      put(id, now - (expiresNanos - left));
      purge(now);
    }
  }

  /**
   * Merges a peer's set, as mingle sends it: {@code {id: [monotonic seconds, id]}} or {@code {id: seconds}}.
   * A time ahead of this clock (another host's, which started earlier) counts as now; entries this clock finds
   * expired are left out. Values that are not numbers are skipped.
   */
  public synchronized void merge(Map<?, ?> peer) {
    long now = nanoTime.getAsLong();
    for (Map.Entry<?, ?> entry : peer.entrySet()) {
      Object stamp = entry.getValue() instanceof List<?> pair && !pair.isEmpty() ? pair.get(0) : entry.getValue();
      if (entry.getKey() instanceof String id && stamp instanceof Number seconds) {
        long at = Math.min(now, (long) (seconds.doubleValue() * 1e9));
        if (now - at < expiresNanos) {
          Long known = revokedAt.get(id);
          put(id, known == null ? at : Math.max(known, at));
        }
      }
    }
    purge(now);
  }

  /**
   * The set as Celery's {@code LimitedSet._data} travels in a {@code hello} request or reply: id to
   * {@code [seconds, id]}, the seconds a float, which a Python peer insists on.
   */
  public synchronized Map<String, Object> asMingle() {
    purge(nanoTime.getAsLong());
    Map<String, Object> data = new LinkedHashMap<>();
    for (Entry entry : byAge) {
      data.put(entry.id(), List.of(BigDecimal.valueOf(entry.at() / 1e9), entry.id()));
    }
    return data;
  }

  /** The ids revoked now, oldest first. */
  public synchronized List<String> ids() {
    purge(nanoTime.getAsLong());
    List<String> ids = new ArrayList<>(byAge.size());
    byAge.forEach(entry -> ids.add(entry.id()));
    return ids;
  }

  public int size() {
    return revokedAt.size();
  }

  private void put(String id, long at) {
    Long previous = revokedAt.put(id, at);
    if (previous != null) {
      byAge.remove(new Entry(previous, id));
    }
    byAge.add(new Entry(at, id));
  }

  private void purge(long now) {
    while (byAge.size() > MAX_SIZE || (!byAge.isEmpty() && now - byAge.first().at() >= expiresNanos)) {
      Entry oldest = byAge.pollFirst();
      revokedAt.remove(oldest.id(), oldest.at());
    }
  }
}
