package dev.celeriac.cron;

import dev.celeriac.TaskDefinition;
import dev.celeriac.broker.Broker;
import dev.celeriac.broker.BrokerException;
import dev.celeriac.broker.CronLock;
import dev.celeriac.broker.MessagePublisher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code run cron} process: enqueues each {@code @Periodic} task at every slot of its schedule. Any
 * number may run against one broker: the broker's per-slot lock ({@link CronLock#publishSlot}) lets exactly one
 * of them publish a slot. After downtime, only the latest missed slot fires, once, as a fresh message; a
 * schedule no cron process has fired yet starts with the first slot at or after this process started, less
 * {@link #FIRST_SLOT_GRACE}.
 *
 * <p>Between slots it sleeps until the next one, waking at least every {@link #MAX_SLEEP} to follow the
 * clock. {@link #stop()} ends {@link #run()} at once: nothing is in flight between slots, and a slot cut off
 * mid-publish is published by the next tick or by another cron process.
 */
public final class Cron {

  private static final Logger log = LoggerFactory.getLogger(Cron.class);

  /** A schedule without a record fires a slot this much older than the process start. */
  public static final Duration FIRST_SLOT_GRACE = Duration.ofMinutes(1);
  static final Duration MAX_SLEEP = Duration.ofSeconds(1);

  private final CronLock lock;
  private final Clock clock;
  private final Function<TaskDefinition, MessagePublisher.Outgoing> messages;
  private final List<Entry> entries = new ArrayList<>();
  private final Instant firstSlotFrom;
  private volatile MeterRegistry metrics;
  private volatile boolean running = true;
  private volatile Thread runner;

  /** One periodic task and the last slot this process saw for it. */
  private static final class Entry {
    final TaskDefinition task;
    final CronSchedule schedule;
    Instant seen;

    Entry(TaskDefinition task) {
      this.task = task;
      this.schedule = new CronSchedule(task.schedule().orElseThrow());
    }
  }

  /**
   * @param lock the broker's per-slot lock: usually the {@link Broker} itself
   * @param tasks the tasks to fire; those without a schedule are left out
   * @param messages a fresh message for a task, and its queue
   */
  public Cron(CronLock lock, List<TaskDefinition> tasks, Clock clock,
      Function<TaskDefinition, MessagePublisher.Outgoing> messages) {
    this.lock = lock;
    this.clock = clock;
    this.messages = messages;
    for (TaskDefinition task : tasks) {
      if (task.schedule().isPresent()) {
        entries.add(new Entry(task));
      }
    }
    this.firstSlotFrom = clock.instant().minus(FIRST_SLOT_GRACE);
  }

  /**
   * Counts, per task, the slots this process published in {@code celeriac.cron.fired}, and in {@code
   * celeriac.cron.skipped} the slots it offered that were not published here: another cron process had, or
   * the slot was due before any cron process ran the schedule.
   */
  public Cron recordTo(MeterRegistry registry) {
    this.metrics = registry;
    return this;
  }

  /** The scheduled tasks, with their schedules. */
  public Map<String, CronSchedule> schedules() {
    Map<String, CronSchedule> schedules = new HashMap<>();
    entries.forEach(entry -> schedules.put(entry.task.name(), entry.schedule));
    return schedules;
  }

  /**
   * Checks every schedule once: a slot this process has not seen yet is offered to the broker's lock.
   *
   * @return how many slots this process published
   */
  public int tick() {
    Instant now = clock.instant();
    int fired = 0;
    for (Entry entry : entries) {
      Optional<Instant> slot = entry.schedule.latestSlot(now);
      if (slot.isEmpty() || slot.get().equals(entry.seen)) {
        continue;
      }
      MessagePublisher.Outgoing outgoing = messages.apply(entry.task);
      try {
        CronLock.SlotOutcome outcome = lock.publishSlot(entry.task.name(), slot.get(), firstSlotFrom,
            outgoing.queue(), outgoing.message());
        if (outcome == CronLock.SlotOutcome.LOCKED) {
          // Another cron process is deciding this schedule right now: ask again at the next tick.
          log.debug("Slot {} of {} is locked by another cron process", slot.get(), entry.task.name());
          continue;
        }
        boolean published = outcome == CronLock.SlotOutcome.FIRED;
        count(published, entry.task.name());
        if (published) {
          fired++;
          log.info("Fired {} for {} ({}) on {} as {}", entry.task.name(), slot.get(), entry.schedule,
              outgoing.queue(), outgoing.message().id());
        } else {
          log.debug("Slot {} of {} was fired elsewhere or predates this cron", slot.get(), entry.task.name());
        }
        entry.seen = slot.get();
      } catch (BrokerException e) {
        // Not seen: the next tick offers the slot again.
        log.error("Could not fire {} for {}: {}", entry.task.name(), slot.get(), e.getMessage());
      }
    }
    return fired;
  }

  private void count(boolean published, String task) {
    MeterRegistry registry = metrics;
    if (registry != null) {
      Counter.builder(published ? "celeriac.cron.fired" : "celeriac.cron.skipped")
          .description(published ? "Schedule slots this cron process published"
              : "Schedule slots offered but published by another cron process, or due before any ran")
          .tag("task", task).register(registry).increment();
    }
  }

  /** Ticks until {@link #stop()}: at every slot, and at least every second. */
  public void run() throws InterruptedException {
    runner = Thread.currentThread();
    log.info("Cron firing {} periodic tasks on {}", entries.size(),
        lock instanceof Broker broker ? broker.displayUrl() : lock);
    while (running) {
      tick();
      Instant now = clock.instant();
      Duration sleep = MAX_SLEEP;
      for (Entry entry : entries) {
        Optional<Instant> next = entry.schedule.nextSlot(now);
        if (next.isPresent()) {
          Duration until = Duration.between(now, next.get());
          sleep = until.compareTo(sleep) < 0 ? until : sleep;
        }
      }
      if (running && !sleep.isNegative() && !sleep.isZero()) {
        try {
          Thread.sleep(sleep.toMillis() + 1);
        } catch (InterruptedException e) {
          if (running) {
            throw e;
          }
        }
      }
    }
    log.info("Cron stopped");
  }

  /** Ends {@link #run()}. */
  public void stop() {
    running = false;
    Thread thread = runner;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
