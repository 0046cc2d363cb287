package dev.celeriac.worker;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * How many messages a worker holds, fetched and not finished (running ones included), and when it fetches
 * more. Refills come in batches: the fetch thread waits until half the window is free, which never idles a
 * slot, since the buffer only runs dry once at least {@code size - concurrency} messages have finished.
 *
 * <p>A fixed window is what {@code worker.prefetch} says. The automatic one (the default) holds about
 * {@link #AUTO_HOLD} of work: as many messages as the worker finishes in that time, measured from how long
 * its messages took to handle, at least one per slot and at most {@link #AUTO_MAX}. Short tasks so get large
 * batches, one round trip for hundreds of them; long ones get one message per slot, as Celery's advice for
 * long tasks ({@code worker_prefetch_multiplier = 1}), so that a busy worker does not sit on messages an idle
 * one could run. Until it has measured the tasks it is Celery's default, 4 per slot. It is sized again after
 * every {@link #SAMPLE} messages, or every {@link #AUTO_HOLD} when fewer finish; a size within a factor of two
 * of the current one is kept, so that a broker whose window follows it (RabbitMQ) is not asked every time.
 */
final class PrefetchWindow {

  /** How much work the automatic window holds. */
  static final Duration AUTO_HOLD = Duration.ofSeconds(1);
  /** The largest automatic window. */
  static final int AUTO_MAX = 512;
  /** Messages that finish between two sizings of the automatic window. */
  static final int SAMPLE = 64;

  /** Guarded by {@link #lock}; changes only through {@link #concurrency(int)}. */
  private int concurrency;
  private final boolean automatic;
  /** The prefetch fixed by configuration, or 0 for an automatic window. */
  private final int fixed;
  /** Set when {@link #concurrency(int)} changed the size, until {@link #resize()} reports it. Guarded by {@link #lock}. */
  private boolean sizeChanged;
  private final LongSupplier nanoTime;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition room = lock.newCondition();
  private final LongAdder handledNanos = new LongAdder();
  private final LongAdder handled = new LongAdder();
  /** Guarded by {@link #lock}. */
  private int size;
  /** Fetched or being fetched, and not finished. Guarded by {@link #lock}. */
  private int outstanding;
  /** Guarded by {@link #lock}. */
  private boolean waiting;
  /** What {@link #handled} and {@link #handledNanos} were at the last sizing: the fetch thread's own. */
  private long sizedAt;
  private long sizedAtNanos;
  private long sizedAtTime;

  PrefetchWindow(WorkerOptions options, LongSupplier nanoTime) {
    this.concurrency = options.concurrency();
    this.automatic = options.prefetch() == 0;
    this.fixed = options.prefetch();
    this.size = automatic ? Math.min(AUTO_MAX, concurrency * WorkerOptions.DEFAULT_PREFETCH_MULTIPLIER)
        : options.prefetch();
    this.nanoTime = nanoTime;
    this.sizedAtTime = nanoTime.getAsLong();
  }

  /** The window {@code options} ask for: fixed if they name a prefetch, else automatic. */
  static PrefetchWindow of(WorkerOptions options) {
    return new PrefetchWindow(options, System::nanoTime);
  }

  boolean automatic() {
    return automatic;
  }

  int size() {
    lock.lock();
    try {
      return size;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until a batch fits in the window, then reserves every free place and returns how many: the
   * caller fetches up to that many and gives back with {@link #release} what it did not get.
   */
  int reserve() throws InterruptedException {
    lock.lock();
    try {
      while (size - outstanding < batch(size)) {
        waiting = true;
        try {
          room.await();
        } finally {
          waiting = false;
        }
      }
      int free = size - outstanding;
      outstanding = size;
      return free;
    } finally {
      lock.unlock();
    }
  }

  /** Gives back {@code places} reserved and not filled, or held by messages that left without finishing. */
  void release(int places) {
    if (places == 0) {
      return;
    }
    lock.lock();
    try {
      outstanding -= places;
      if (waiting && size - outstanding >= batch(size)) {
        room.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** A message was handled to its settlement in {@code nanos}: its place is free. */
  void finished(long nanos) {
    handledNanos.add(nanos);
    handled.increment();
    release(1);
  }

  /**
   * Sizes the automatic window from the messages handled since the last sizing, once there are
   * {@link #SAMPLE} of them or {@link #AUTO_HOLD} has passed; returns the new size, or 0 when the size stays.
   * A fixed window never changes. Called by the fetch thread only.
   */
  int resize() {
    lock.lock();
    try {
      if (sizeChanged) {
        sizeChanged = false;
        return size;
      }
    } finally {
      lock.unlock();
    }
    if (!automatic) {
      return 0;
    }
    long count = handled.sum();
    long now = nanoTime.getAsLong();
    if (count == sizedAt || (count - sizedAt < SAMPLE && now - sizedAtTime < AUTO_HOLD.toNanos())) {
      return 0;
    }
    long nanos = handledNanos.sum();
    long mean = Math.max(1, (nanos - sizedAtNanos) / (count - sizedAt));
    sizedAt = count;
    sizedAtNanos = nanos;
    sizedAtTime = now;
    lock.lock();
    try {
      long target = concurrency * (AUTO_HOLD.toNanos() / mean);
      int next = (int) Math.max(concurrency, Math.min(AUTO_MAX, target));
      if (next < size * 2 && next * 2 > size) {
        return 0;
      }
      size = next;
      if (waiting && size - outstanding >= batch(size)) {
        room.signal();
      }
      return next;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The worker now runs {@code slots} tasks at once: a window holds at least one message per slot, an automatic
   * one sizes from the new concurrency at its next sizing. {@link #resize()} reports the new size once.
   */
  void concurrency(int slots) {
    lock.lock();
    try {
      concurrency = slots;
      int next = automatic ? Math.min(AUTO_MAX, Math.max(size, slots)) : Math.max(fixed, slots);
      if (next != size) {
        size = next;
        sizeChanged = true;
        if (waiting && size - outstanding >= batch(size)) {
          room.signal();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** The smallest refill: half the window, but never so much that a slot waits for it. */
  private int batch(int window) {
    return Math.max(1, Math.min(window / 2, window - concurrency));
  }
}
