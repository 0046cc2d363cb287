package dev.celeriac.broker;

import dev.celeriac.protocol.TaskMessage;
import java.time.Instant;

/**
 * The per-slot lock of {@code run cron}, kept in the broker so that any number of cron processes on one broker fire
 * each slot of a schedule exactly once, without a coordinator of their own. Implementations are thread-safe.
 */
public interface CronLock {

  /** What became of one slot offered to {@link #publishSlot}. */
  enum SlotOutcome {
    /** This call published the slot's message. */
    FIRED,
    /** The slot was published before, by this or another cron process, or is older than the schedule's record. */
    SKIPPED,
    /** Another cron process holds the schedule's lock right now; offer the slot again later. */
    LOCKED
  }

  /**
   * Publishes {@code message} to {@code queue} for {@code slot} of the schedule {@code schedule} unless this or
   * another process already published that slot or a later one. Atomic across processes: of any number of callers
   * for one slot, exactly one publishes it. A schedule the broker has no record of yet gets one: its {@code slot} is
   * published only if it is not before {@code firstSlotFrom} (a first cron process does not fire what was due before
   * it started).
   *
   * @throws BrokerException when the broker did not answer; nothing was published then
   */
  SlotOutcome publishSlot(String schedule, Instant slot, Instant firstSlotFrom, String queue, TaskMessage message);
}
