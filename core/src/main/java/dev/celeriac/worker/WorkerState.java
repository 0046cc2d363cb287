package dev.celeriac.worker;

import dev.celeriac.TaskContext;
import dev.celeriac.protocol.TaskMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a worker knows about its tasks beyond the messages it holds, as Celery's {@code worker/state.py}: the
 * revoked ids, the tasks running now, the early messages it parked until their eta, and how many tasks of each
 * name it started. Read by remote control ({@code inspect active}, {@code scheduled}, {@code stats},
 * {@code revoked}) and the heartbeat. Thread-safe.
 */
public final class WorkerState {

  /** How many parked messages {@code inspect scheduled} lists at most; parking itself is not limited. */
  static final int MAX_SCHEDULED = 10_000;

  /** A message this worker parked until its eta. */
  public record ScheduledTask(TaskContext task, TaskMessage message, Instant eta) {}

  private final RevokedTasks revoked;
  private final Set<ActiveTask> active = ConcurrentHashMap.newKeySet();
  private final Map<String, ScheduledTask> scheduled = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> totals = new ConcurrentHashMap<>();
  private final LongAdder processed = new LongAdder();

  public WorkerState(Duration revokeExpires) {
    this.revoked = new RevokedTasks(revokeExpires);
  }

  public RevokedTasks revoked() {
    return revoked;
  }

  /** The tasks running now. */
  public List<ActiveTask> active() {
    return List.copyOf(active);
  }

  /** How many tasks run now. */
  public int activeCount() {
    return active.size();
  }

  /** The messages this worker parked whose eta is still ahead of {@code now}, soonest first. */
  public List<ScheduledTask> scheduled(Instant now) {
    scheduled.values().removeIf(parked -> !parked.eta().isAfter(now));
    List<ScheduledTask> waiting = new ArrayList<>(scheduled.values());
    waiting.sort((a, b) -> a.eta().compareTo(b.eta()));
    return waiting;
  }

  /** How many tasks of each name this worker started, by name. */
  public Map<String, Long> totals() {
    Map<String, Long> counts = new TreeMap<>();
    totals.forEach((name, count) -> counts.put(name, count.sum()));
    return counts;
  }

  /** How many tasks this worker started. */
  public long processed() {
    return processed.sum();
  }

  /**
   * Interrupts the running tasks with these ids, once each, as revoked; returns the ids it interrupted, in
   * the order given.
   */
  public List<String> terminate(Collection<String> ids) {
    List<String> terminated = new ArrayList<>();
    for (String id : new LinkedHashSet<>(ids)) {
      for (ActiveTask task : active) {
        if (task.task().id().equals(id) && task.guard.interrupt(RunGuard.Cause.TERMINATED)) {
          terminated.add(id);
          break;
        }
      }
    }
    return terminated;
  }

  void started(ActiveTask task) {
    active.add(task);
    totals.computeIfAbsent(task.task().name(), name -> new LongAdder()).increment();
    processed.increment();
  }

  void ended(ActiveTask task) {
    active.remove(task);
  }

  void parked(TaskContext task, TaskMessage message, Instant eta) {
    if (scheduled.size() >= MAX_SCHEDULED) {
      // Messages parked here may come back to another worker: forget those already due.
      Instant now = Instant.now();
      scheduled.values().removeIf(parked -> !parked.eta().isAfter(now));
    }
    if (scheduled.size() < MAX_SCHEDULED) {
      scheduled.put(task.id(), new ScheduledTask(task, message, eta));
    }
  }

  /** Forgets a parked message that is back; returns whether this worker had parked it. */
  boolean unparked(String id) {
    return !scheduled.isEmpty() && scheduled.remove(id) != null;
  }
}
