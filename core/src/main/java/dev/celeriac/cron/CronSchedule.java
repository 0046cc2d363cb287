package dev.celeriac.cron;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.celeriac.ConfigurationException;
import dev.celeriac.Schedule;
import dev.celeriac.rules.CronExpression;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Optional;

/**
 * The slots of a five-field cron expression (or {@code @daily} and the other macros) in a zone: the minutes
 * at which it fires. The expression is read by the grammar the processor checks ({@link CronExpression}), and
 * evaluated by cron-utils. Around daylight-saving changes it behaves as Vixie cron (Debian's cron) does for
 * fixed-time jobs: times the clocks skip fire once, right after the jump, and a time the clocks repeat fires
 * once, at its first occurrence; an expression with a wildcard hour fires in real time, so it neither makes up
 * the skipped hour nor misses either of the repeated ones.
 */
public final class CronSchedule {

  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final Schedule schedule;
  private final ExecutionTime times;
  private final boolean everyHour;

  /**
   * @throws ConfigurationException when the expression breaks the cron grammar the processor checks
   *     ({@link CronExpression}), which the processor lets no {@code @Periodic} through with
   */
  public CronSchedule(Schedule schedule) {
    this.schedule = schedule;
    CronExpression expression;
    try {
      expression = CronExpression.parse(schedule.cron());
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("cron expression '" + schedule.cron() + "' can't be read: " + e.getMessage(),
          e);
    }
    this.everyHour = expression.wildcardHour();
    // cron-utils reads every expression of the grammar as cron(8) does (CronScheduleTest); it only evaluates.
    this.times = ExecutionTime.forCron(PARSER.parse(expression.fields()));
  }

  public Schedule schedule() {
    return schedule;
  }

  /** The latest slot at or before {@code now}, if the expression ever fired before it. */
  public Optional<Instant> latestSlot(Instant now) {
    ZonedDateTime minute = now.atZone(schedule.zone()).truncatedTo(ChronoUnit.MINUTES);
    Optional<ZonedDateTime> slot = times.isMatch(minute) ? Optional.of(minute) : times.lastExecution(minute);
    if (slot.isPresent() && isRepeat(slot.get())) {
      slot = times.lastExecution(slot.get());
    }
    Optional<Instant> latest = slot.map(ZonedDateTime::toInstant);
    if (everyHour) {
      return latest;
    }
    // A fixed time the clocks skipped fires at the jump: the latest such jump after the slot found wins.
    ZoneRules rules = schedule.zone().getRules();
    for (ZoneOffsetTransition jump = rules.previousTransition(now.plusNanos(1));
        jump != null && (latest.isEmpty() || jump.getInstant().isAfter(latest.get()));
        jump = rules.previousTransition(jump.getInstant())) {
      if (skipsASlot(jump)) {
        return Optional.of(jump.getInstant());
      }
    }
    return latest;
  }

  /** The first slot after {@code now}. */
  public Optional<Instant> nextSlot(Instant now) {
    Optional<ZonedDateTime> slot = times.nextExecution(now.atZone(schedule.zone()));
    if (slot.isPresent() && isRepeat(slot.get())) {
      slot = times.nextExecution(slot.get());
    }
    Optional<Instant> next = slot.map(ZonedDateTime::toInstant);
    if (everyHour) {
      return next;
    }
    ZoneRules rules = schedule.zone().getRules();
    for (ZoneOffsetTransition jump = rules.nextTransition(now);
        jump != null && (next.isEmpty() || jump.getInstant().isBefore(next.get()));
        jump = rules.nextTransition(jump.getInstant())) {
      if (skipsASlot(jump)) {
        return Optional.of(jump.getInstant());
      }
    }
    return next;
  }

  /** Whether the clocks skip, at {@code jump}, a local time the expression names. */
  private boolean skipsASlot(ZoneOffsetTransition jump) {
    if (!jump.isGap()) {
      return false;
    }
    // Compared by wall-clock fields in a zone without gaps: the skipped times do not exist in the real one.
    for (LocalDateTime local = jump.getDateTimeBefore(); local.isBefore(jump.getDateTimeAfter());
        local = local.plusMinutes(1)) {
      if (times.isMatch(local.atZone(ZoneOffset.UTC))) {
        return true;
      }
    }
    return false;
  }

  /** A fixed-hour slot in the second pass of an hour the clocks repeat: it already fired in the first. */
  private boolean isRepeat(ZonedDateTime slot) {
    return !everyHour && !slot.getOffset().equals(slot.withEarlierOffsetAtOverlap().getOffset());
  }

  @Override
  public String toString() {
    return schedule.toString();
  }
}
