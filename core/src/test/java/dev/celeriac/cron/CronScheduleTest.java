package dev.celeriac.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.celeriac.ConfigurationException;
import dev.celeriac.Schedule;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Slots of cron expressions, macros and zones, as run cron computes them. */
class CronScheduleTest {

  private static CronSchedule cron(String expression, String zone) {
    return new CronSchedule(new Schedule(expression, ZoneId.of(zone)));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // expression    | zone             | now                     | latest slot             | next slot
      "* * * * *       | UTC              | 2026-11-24T10:15:42Z    | 2026-11-24T10:15:00Z    | 2026-11-24T10:16:00Z",
      "* * * * *       | UTC              | 2026-11-24T10:15:00Z    | 2026-11-24T10:15:00Z    | 2026-11-24T10:16:00Z",
      "*/15 * * * *    | UTC              | 2026-11-24T10:14:59Z    | 2026-11-24T10:00:00Z    | 2026-11-24T10:15:00Z",
      "0 3 * * *       | UTC              | 2026-11-24T10:00:00Z    | 2026-11-24T03:00:00Z    | 2026-11-25T03:00:00Z",
      "0 3 * * *       | Europe/Vienna    | 2026-11-24T10:00:00Z    | 2026-11-24T02:00:00Z    | 2026-11-25T02:00:00Z",
      "@daily          | UTC              | 2026-11-24T10:00:00Z    | 2026-11-24T00:00:00Z    | 2026-11-25T00:00:00Z",
      "@hourly         | UTC              | 2026-11-24T10:30:00Z    | 2026-11-24T10:00:00Z    | 2026-11-24T11:00:00Z",
      "@weekly         | UTC              | 2026-11-24T10:30:00Z    | 2026-11-22T00:00:00Z    | 2026-11-29T00:00:00Z",
      "@monthly        | UTC              | 2026-11-24T10:30:00Z    | 2026-11-01T00:00:00Z    | 2026-12-01T00:00:00Z",
      "@yearly         | UTC              | 2026-11-24T10:30:00Z    | 2026-01-01T00:00:00Z    | 2027-01-01T00:00:00Z",
      "0 9 * * MON-FRI | UTC              | 2026-11-28T10:00:00Z    | 2026-11-27T09:00:00Z    | 2026-11-30T09:00:00Z",
  })
  void slots(String expression, String zone, String now, String latest, String next) {
    CronSchedule schedule = cron(expression, zone);
    assertEquals(Instant.parse(latest), schedule.latestSlot(Instant.parse(now)).orElseThrow());
    assertEquals(Instant.parse(next), schedule.nextSlot(Instant.parse(now)).orElseThrow());
  }

  @Test
  void daylightSavingChangesFireFixedTimesAsVixieCronDoes() {
    CronSchedule daily = cron("30 2 * * *", "Europe/Vienna");
    // 2026-03-29: clocks jump from 02:00 to 03:00, so 02:30 does not exist: it fires at 03:00 (01:00Z).
    assertEquals(Instant.parse("2026-03-29T01:00:00Z"), daily.latestSlot(Instant.parse("2026-03-29T12:00:00Z"))
        .orElseThrow());
    assertEquals(Instant.parse("2026-03-29T01:00:00Z"), daily.nextSlot(Instant.parse("2026-03-28T12:00:00Z"))
        .orElseThrow());
    assertEquals(Instant.parse("2026-03-28T01:30:00Z"), daily.latestSlot(Instant.parse("2026-03-29T00:59:00Z"))
        .orElseThrow());
    assertEquals(Instant.parse("2026-03-30T00:30:00Z"), daily.nextSlot(Instant.parse("2026-03-29T01:00:00Z"))
        .orElseThrow());
    // Several skipped times fire once, at the jump.
    CronSchedule quarterly = cron("*/15 2 * * *", "Europe/Vienna");
    assertEquals(Instant.parse("2026-03-29T01:00:00Z"), quarterly.nextSlot(Instant.parse("2026-03-28T12:00:00Z"))
        .orElseThrow());
    assertEquals(Instant.parse("2026-03-30T00:00:00Z"), quarterly.nextSlot(Instant.parse("2026-03-29T01:00:00Z"))
        .orElseThrow());
    // A wildcard hour runs in real time: the skipped hour is not made up.
    assertEquals(Instant.parse("2026-03-29T01:30:00Z"), cron("30 * * * *", "Europe/Vienna")
        .nextSlot(Instant.parse("2026-03-29T00:45:00Z")).orElseThrow());
    // 2026-10-25: 02:30 happens twice (00:30Z and 01:30Z); it fires at the first only.
    assertEquals(Instant.parse("2026-10-25T00:30:00Z"), daily.latestSlot(Instant.parse("2026-10-25T01:45:00Z"))
        .orElseThrow());
    assertEquals(Instant.parse("2026-10-26T01:30:00Z"), daily.nextSlot(Instant.parse("2026-10-25T00:31:00Z"))
        .orElseThrow());
    // A wildcard hour runs in real time: both repeated 02:30s are slots.
    CronSchedule hourly = cron("30 * * * *", "Europe/Vienna");
    assertEquals(Instant.parse("2026-10-25T01:30:00Z"), hourly.latestSlot(Instant.parse("2026-10-25T01:45:00Z"))
        .orElseThrow());
  }

  @Test
  void anExpressionOutsideTheGrammarIsAConfigurationError() {
    assertThrows(ConfigurationException.class, () -> cron("61 * * * *", "UTC"));
    // Forms other crons read (Quartz's ?, a step after a single value): the processor would not compile them.
    assertThrows(ConfigurationException.class, () -> cron("? * * * *", "UTC"));
    assertThrows(ConfigurationException.class, () -> cron("5/15 * * * *", "UTC"));
  }

  /**
   * The forms of the grammar (CronExpression in celeriac-rules: names in any case, 7 for Sunday, steps after *
   * or a range, lists) evaluate as cron(8) evaluates them.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0 0 * * 7               | 2026-11-24T10:00:00Z | 2026-11-29T00:00:00Z",
      "0 0 * * sun             | 2026-11-24T10:00:00Z | 2026-11-29T00:00:00Z",
      "*/15 9-17 * jan-mar mon-fri | 2026-11-24T10:00:00Z | 2027-01-01T09:00:00Z",
      "0-30/10 * * * *         | 2026-11-24T10:31:00Z | 2026-11-24T11:00:00Z",
      "5 4 1,15 * *            | 2026-11-24T10:00:00Z | 2026-12-01T04:05:00Z",
      "0 12 31 * *             | 2026-11-24T10:00:00Z | 2026-12-31T12:00:00Z",
      // Day of month and day of week both restricted: either matches, as in cron(8).
      "0 0 1 * MON             | 2026-11-24T10:00:00Z | 2026-11-30T00:00:00Z",
      "0 0 1 * MON             | 2026-11-30T10:00:00Z | 2026-12-01T00:00:00Z",
  })
  void theGrammarsFormsEvaluateAsCronDoes(String expression, String now, String next) {
    assertEquals(Instant.parse(next), cron(expression, "UTC").nextSlot(Instant.parse(now)).orElseThrow());
  }
}
