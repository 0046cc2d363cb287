package dev.celeriac.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The cron grammar: the rows the processor's and run cron's tests used to check each of their copies with. */
class CronExpressionTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "*/5 * * * *", "0 3 * * MON-FRI", "0,30 8-18/2 1-15 JAN-jun sun", "0 0 * * 7", "59 23 31 12 0",
      "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly",
      "* * * * *", "*/15 * * * *", "0 9 * * MON-FRI", "0 0 * * sun", "*/15 9-17 * jan-mar mon-fri",
      "0-30/10 * * * *", "5 4 1,15 * *", "0 12 31 * *", "0 0 1 * MON", "  0 3 * * *  ", "0  3 * * *"})
  void accepts(String expression) {
    assertEquals(Optional.empty(), CronExpression.problem(expression));
    assertEquals(expression, CronExpression.parse(expression).toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "* * * *", "* * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8",
      "*/0 * * * *", "5/15 * * * *", "10-5 * * * *", "* * * FOO *", "1,,2 * * * *", "? * * * *", "@reboot",
      "@Daily", "L * * * *", "*/5 * * * MON#2", "61 * * * *", "*/60 * * * *", "-1 * * * *", "1- * * * *"})
  void rejects(String expression) {
    assertTrue(CronExpression.problem(expression).isPresent(), expression);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CronExpression.parse(expression));
    assertEquals(CronExpression.problem(expression).get(), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "                  | it is blank",
      "* * * *           | it has 4 fields, not 5",
      "@reboot           | @reboot is not a supported macro",
      "60 * * * *        | the minute field \"60\" has \"60\"; allowed are * or numbers from 0 to 59",
      "* * * FOO *       | the month field \"FOO\" has \"FOO\"; allowed are * or numbers from 1 to 12 or a name JAN-DEC",
      "*/0 * * * *       | the minute field \"*/0\" has step \"0\"; a step is a number from 1 to 59",
      "5/15 * * * *      | the minute field \"5/15\" has a step after \"5\"; a step follows * or a range such as 0-30",
      "10-5 * * * *      | the minute field \"10-5\" has range 10-5 that runs backwards",
      "1,,2 * * * *      | the minute field \"1,,2\" has an empty list item"})
  void saysWhatIsWrong(String expression, String problem) {
    assertEquals(Optional.of(problem), CronExpression.problem(expression == null ? "" : expression));
  }

  @Test
  void macrosAreWrittenOutAsCronDefinesThem() {
    assertEquals("0 0 * * *", CronExpression.parse("@daily").fields());
    assertEquals("0 0 * * *", CronExpression.parse("@midnight").fields());
    assertEquals("0 * * * *", CronExpression.parse("@hourly").fields());
    assertEquals("0 0 * * 0", CronExpression.parse("@weekly").fields());
    assertEquals("0 0 1 * *", CronExpression.parse("@monthly").fields());
    assertEquals("0 0 1 1 *", CronExpression.parse(" @yearly ").fields());
    assertEquals("0 3 * * MON-FRI", CronExpression.parse("  0  3 * *   MON-FRI ").fields());
  }

  @Test
  void aWildcardHourFiresInRealTime() {
    assertTrue(CronExpression.parse("30 * * * *").wildcardHour());
    assertTrue(CronExpression.parse("0 */2 * * *").wildcardHour());
    assertTrue(CronExpression.parse("@hourly").wildcardHour());
    assertFalse(CronExpression.parse("30 2 * * *").wildcardHour());
    assertFalse(CronExpression.parse("0 8-18/2 * * *").wildcardHour());
    assertFalse(CronExpression.parse("@daily").wildcardHour());
  }
}
