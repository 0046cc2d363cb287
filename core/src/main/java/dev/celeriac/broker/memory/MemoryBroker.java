package dev.celeriac.broker.memory;

import dev.celeriac.broker.Broker;
import dev.celeriac.broker.BrokerUrl;
import dev.celeriac.broker.DeadLetter;
import dev.celeriac.broker.DeadLetterStore;
import dev.celeriac.broker.Delivery;
import dev.celeriac.broker.QueueStats;
import dev.celeriac.protocol.Ids;
import dev.celeriac.protocol.KombuEnvelope;
import dev.celeriac.protocol.TaskMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Queues in this JVM. {@code memory://} names the JVM's default instance and {@code memory://name} another
 * one, so that tests can keep theirs apart; every {@code Celeriac} app with the same URL shares it.
 *
 * <p>Like Redis it orders by priority (0 highest) then FIFO, keeps fetched messages in flight until they
 * are settled, parks messages with a future {@code eta} until they are due, and keeps dead letters per
 * queue. Nothing survives the JVM.
 */
public final class MemoryBroker implements Broker {

  private static final Map<String, MemoryBroker> INSTANCES = new ConcurrentHashMap<>();

  private final String name;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<String, Deque<Entry>[]> ready = new HashMap<>();
  private final PriorityQueue<Parked> delayed = new PriorityQueue<>();
  private final Map<String, Integer> inFlight = new HashMap<>();
  private final Map<String, List<DeadLetter>> dead = new HashMap<>();
  /** The last slot published per cron schedule. */
  private final Map<String, Instant> cronSlots = new HashMap<>();
  private final MemoryFleet fleet = new MemoryFleet();
  private long parkedSequence;

  private MemoryBroker(String name, Clock clock) {
    this.name = name;
    this.clock = clock;
  }

  /** The shared instance a {@code memory://} URL names. */
  public static MemoryBroker forUrl(BrokerUrl url, Clock clock) {
    String name = url.host().isEmpty() ? "default" : url.host();
    return INSTANCES.computeIfAbsent(name, n -> new MemoryBroker(n, clock));
  }

  @Override
  public String displayUrl() {
    return "memory://" + (name.equals("default") ? "" : name);
  }

  /** Always answers: the queues live in this JVM. */
  @Override
  public void ping() {}

  @Override
  public void publish(String queue, TaskMessage message) {
    byte[] envelope = KombuEnvelope.encode(message, queue, Ids.uuid());
    Instant eta = message.eta().orElse(null);
    lock.lock();
    try {
      if (eta != null && eta.isAfter(clock.instant())) {
        delayed.add(new Parked(eta, parkedSequence++, queue, new Entry(envelope, message.priority())));
      } else {
        push(queue, new Entry(envelope, message.priority()), false);
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public SlotOutcome publishSlot(String schedule, Instant slot, Instant firstSlotFrom, String queue,
      TaskMessage message) {
    lock.lock();
    try {
      Instant last = cronSlots.get(schedule);
      if (last != null && !last.isBefore(slot)) {
        return SlotOutcome.SKIPPED;
      }
      cronSlots.put(schedule, slot);
      if (last == null && slot.isBefore(firstSlotFrom)) {
        return SlotOutcome.SKIPPED;
      }
      publish(queue, message);
      return SlotOutcome.FIRED;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Puts an envelope on a queue exactly as given, the way a foreign producer would: nothing is checked, so
   * that a worker meets malformed messages as it would on Redis.
   */
  public void publishRaw(String queue, byte[] envelope) {
    lock.lock();
    try {
      push(queue, new Entry(envelope.clone(), priorityOf(envelope)), false);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<Delivery> fetch(List<String> queues, int max, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    lock.lockInterruptibly();
    try {
      while (true) {
        promoteDue();
        List<Delivery> taken = take(queues, max);
        if (!taken.isEmpty()) {
          return taken;
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return List.of();
        }
        Parked next = delayed.peek();
        if (next != null) {
          long untilDue = Duration.between(clock.instant(), next.eta).toNanos();
          remaining = Math.min(remaining, Math.max(untilDue, TimeUnit.MILLISECONDS.toNanos(1)));
        }
        changed.awaitNanos(remaining);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public DeadLetterStore deadLetters() {
    return new MemoryDeadLetters();
  }

  @Override
  public QueueStats stats(String queue) {
    return locked(() -> new QueueStats(queue, readyCount(queue), inFlightCount(queue), delayedCount(queue),
          dead.getOrDefault(queue, List.of()).size(), -1));
  }

  @Override
  public Set<String> queueNames() {
    lock.lock();
    try {
      Set<String> names = new TreeSet<>(ready.keySet());
      names.addAll(dead.keySet());
      delayed.forEach(parked -> names.add(parked.queue));
      return names;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long purge(String queue) {
    lock.lock();
    try {
      long removed = readyCount(queue);
      ready.remove(queue);
      return removed;
    } finally {
      lock.unlock();
    }
  }

  /** Messages waiting on {@code queue}, not counting parked or in-flight ones. */
  public int readyCount(String queue) {
    lock.lock();
    try {
      Deque<Entry>[] levels = ready.get(queue);
      int count = 0;
      if (levels != null) {
        for (Deque<Entry> level : levels) {
          count += level.size();
        }
      }
      return count;
    } finally {
      lock.unlock();
    }
  }

  /** Messages fetched from {@code queue} and not yet settled. */
  public int inFlightCount(String queue) {
    return locked(() -> inFlight.getOrDefault(queue, 0));
  }

  /** Messages parked until their {@code eta}, for {@code queue}. */
  public int delayedCount(String queue) {
    return locked(() -> (int) delayed.stream().filter(p -> p.queue.equals(queue)).count());
  }

  @Override
  public java.util.Optional<dev.celeriac.broker.FleetSupport> fleet() {
    return java.util.Optional.of(fleet.support());
  }

  /**
   * Receives every event published on this broker from now on, as routing key and JSON body, until the
   * returned handle is closed: for tests, where a Celery event receiver would listen on a real broker.
   */
  public AutoCloseable subscribeEvents(java.util.function.BiConsumer<String, byte[]> listener) {
    return fleet.subscribe(event -> listener.accept(event.routingKey(), event.body()));
  }

  /** The instance stays for other apps in this JVM; nothing to release. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return displayUrl();
  }

  private <T> T locked(Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  private void promoteDue() {
    Instant now = clock.instant();
    while (!delayed.isEmpty() && !delayed.peek().eta.isAfter(now)) {
      Parked due = delayed.poll();
      push(due.queue, due.entry, false);
    }
  }

  private List<Delivery> take(List<String> queues, int max) {
    List<Delivery> taken = new ArrayList<>();
    for (int priority = 0; priority < 10 && taken.size() < max; priority++) {
      for (String queue : queues) {
        Deque<Entry>[] levels = ready.get(queue);
        while (levels != null && !levels[priority].isEmpty() && taken.size() < max) {
          taken.add(new MemoryDelivery(queue, levels[priority].pollFirst()));
          inFlight.merge(queue, 1, Integer::sum);
        }
      }
    }
    return taken;
  }

  @SuppressWarnings("unchecked")
  private void push(String queue, Entry entry, boolean first) {
    Deque<Entry>[] levels = ready.computeIfAbsent(queue, q -> {
      Deque<Entry>[] fresh = (Deque<Entry>[]) new Deque<?>[10];
      for (int i = 0; i < fresh.length; i++) {
        fresh[i] = new ArrayDeque<>();
      }
      return fresh;
    });
    Deque<Entry> level = levels[Math.max(0, Math.min(9, entry.priority))];
    if (first) {
      level.addFirst(entry);
    } else {
      level.addLast(entry);
    }
  }

  private void settle(String queue, Runnable change) {
    lock.lock();
    try {
      inFlight.merge(queue, -1, Integer::sum);
      change.run();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** An envelope and the priority it was published with, so that it is decoded only by its consumer. */
  // Its bytes are a payload carried as received, never compared: record equality by array identity is fine.
  @SuppressWarnings("ArrayRecordComponent")
  private record Entry(byte[] envelope, int priority) {}

  private record Parked(Instant eta, long sequence, String queue, Entry entry) implements Comparable<Parked> {
    @Override
    public int compareTo(Parked other) {
      int byEta = eta.compareTo(other.eta);
      return byEta != 0 ? byEta : Long.compare(sequence, other.sequence);
    }
  }

  private final class MemoryDelivery implements Delivery {
    private final String queue;
    private final Entry entry;
    private final byte[] envelope;
    private boolean settled;

    MemoryDelivery(String queue, Entry entry) {
      this.queue = queue;
      this.entry = entry;
      this.envelope = entry.envelope;
    }

    @Override
    public String queue() {
      return queue;
    }

    @Override
    public byte[] raw() {
      return envelope.clone();
    }

    @Override
    public TaskMessage message() {
      return KombuEnvelope.decode(envelope).message();
    }

    @Override
    public void ack() {
      settleOnce(() -> {});
    }

    @Override
    public void retry(TaskMessage next) {
      // Publish before settling, as Celery does: a crash in between duplicates, never loses.
      publish(queue, next);
      settleOnce(() -> {});
    }

    @Override
    public void defer(Instant eta) {
      settleOnce(() -> delayed.add(new Parked(eta, parkedSequence++, queue, entry)));
    }

    @Override
    public void deadLetter(String reason) {
      settleOnce(() -> dead.computeIfAbsent(queue, q -> new ArrayList<>())
          .add(new DeadLetter(queue, reason, clock.instant(), envelope)));
    }

    @Override
    public void requeue() {
      settleOnce(() -> push(queue, entry, true));
    }

    private void settleOnce(Runnable change) {
      synchronized (this) {
        if (settled) {
          throw new IllegalStateException("delivery on " + queue + " was already settled");
        }
        settled = true;
      }
      settle(queue, change);
    }
  }

  private static int priorityOf(byte[] envelope) {
    try {
      return KombuEnvelope.decode(envelope).message().priority();
    } catch (RuntimeException undecodable) {
      return 0;
    }
  }

  private final class MemoryDeadLetters implements DeadLetterStore {
    @Override
    public List<DeadLetter> list(String queue, int limit) {
      lock.lock();
      try {
        List<DeadLetter> letters = dead.getOrDefault(queue, List.of());
        return List.copyOf(letters.subList(0, Math.min(limit, letters.size())));
      } finally {
        lock.unlock();
      }
    }

    @Override
    public long count(String queue) {
      lock.lock();
      try {
        return dead.getOrDefault(queue, List.of()).size();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public long requeue(String queue) {
      lock.lock();
      try {
        List<DeadLetter> letters = dead.remove(queue);
        if (letters == null) {
          return 0;
        }
        for (DeadLetter letter : letters) {
          push(queue, new Entry(letter.raw(), priorityOf(letter.raw())), false);
        }
        changed.signalAll();
        return letters.size();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public long purge(String queue) {
      lock.lock();
      try {
        List<DeadLetter> letters = dead.remove(queue);
        return letters == null ? 0 : letters.size();
      } finally {
        lock.unlock();
      }
    }
  }
}
