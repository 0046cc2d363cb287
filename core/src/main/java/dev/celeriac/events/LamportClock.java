package dev.celeriac.events;

import java.util.concurrent.atomic.AtomicLong;

/** kombu's {@code LamportClock}: the logical clock stamped on events and exchanged with peers. Thread-safe. */
public final class LamportClock {

  private final AtomicLong value = new AtomicLong();

  /** The current value. */
  public long value() {
    return value.get();
  }

  /** Advances for a local event; returns the new value. */
  public long forward() {
    return value.incrementAndGet();
  }

  /** Moves past a value seen from a peer: the larger of both, plus one. */
  public long adjust(long other) {
    return value.updateAndGet(current -> Math.max(current, other) + 1);
  }
}
