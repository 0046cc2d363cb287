package dev.celeriac.rules;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The cron grammar of {@code @Periodic}: standard five-field expressions (minute, hour, day of month, month, day
 * of week: {@code *}, numbers, names JAN-DEC and SUN-SAT in any case, ranges, lists and steps after {@code *} or a
 * range) and the macros {@code @yearly @annually @monthly @weekly @daily @midnight @hourly}. The processor rejects
 * at compile time what {@link #problem} finds, and {@code run cron} reads schedules with {@link #parse}, so an
 * expression compiles exactly when the runtime can fire it: the two used to keep a grammar each, held together
 * by a handful of test rows.
 */
public final class CronExpression {

  /** The macros, each with the five fields cron(8) defines it as. */
  public static final Map<String, String> MACROS = Map.of(
      "@yearly", "0 0 1 1 *",
      "@annually", "0 0 1 1 *",
      "@monthly", "0 0 1 * *",
      "@weekly", "0 0 * * 0",
      "@daily", "0 0 * * *",
      "@midnight", "0 0 * * *",
      "@hourly", "0 * * * *");

  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  /** One field's name, bounds and, for month and day of week, its names (numbered from {@code min}). */
  private record Field(String name, int min, int max, List<String> names) {}

  private static final List<Field> FIELDS = List.of(
      new Field("minute", 0, 59, List.of()),
      new Field("hour", 0, 23, List.of()),
      new Field("day of month", 1, 31, List.of()),
      new Field("month", 1, 12, MONTHS),
      // 0 and 7 both mean Sunday, as in Vixie cron.
      new Field("day of week", 0, 7, DAYS));

  private final String expression;
  private final List<String> fields;

  private CronExpression(String expression, List<String> fields) {
    this.expression = expression;
    this.fields = fields;
  }

  /**
   * The expression, checked.
   *
   * @throws IllegalArgumentException when it breaks the grammar; the message is {@link #problem}'s
   */
  public static CronExpression parse(String expression) {
    Optional<String> problem = problem(expression);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get());
    }
    String trimmed = expression.trim();
    String fields = MACROS.getOrDefault(trimmed, trimmed);
    return new CronExpression(expression, List.of(fields.split("\\s+", -1)));
  }

  /** What is wrong with {@code expression}, or empty if it is valid. */
  public static Optional<String> problem(String expression) {
    String trimmed = expression.trim();
    if (trimmed.isEmpty()) {
      return Optional.of("it is blank");
    }
    if (trimmed.startsWith("@")) {
      return MACROS.containsKey(trimmed) ? Optional.empty() : Optional.of(trimmed + " is not a supported macro");
    }
    String[] parts = trimmed.split("\\s+", -1);
    if (parts.length != FIELDS.size()) {
      return Optional.of("it has " + parts.length + " fields, not 5");
    }
    for (int i = 0; i < parts.length; i++) {
      Optional<String> problem = field(parts[i], FIELDS.get(i));
      if (problem.isPresent()) {
        return problem;
      }
    }
    return Optional.empty();
  }

  /** The five fields, a macro written out: {@code @daily} is {@code 0 0 * * *}. */
  public String fields() {
    return String.join(" ", fields);
  }

  /**
   * Whether the hour field is {@code *} or a step over it ({@code *}{@code /2}): such an expression fires in
   * real time across daylight-saving changes, where one at fixed hours fires by the wall clock.
   */
  public boolean wildcardHour() {
    String hour = fields.get(1);
    return hour.equals("*") || hour.startsWith("*/");
  }

  /** The expression as written. */
  @Override
  public String toString() {
    return expression;
  }

  private static Optional<String> field(String text, Field field) {
    for (String item : text.split(",", -1)) {
      Optional<String> problem = item(item, field);
      if (problem.isPresent()) {
        return Optional.of("the " + field.name() + " field \"" + text + "\" " + problem.get());
      }
    }
    return Optional.empty();
  }

  private static Optional<String> item(String item, Field field) {
    if (item.isEmpty()) {
      return Optional.of("has an empty list item");
    }
    String range = item;
    int slash = item.indexOf('/');
    if (slash >= 0) {
      range = item.substring(0, slash);
      Integer step = number(item.substring(slash + 1));
      if (step == null || step < 1 || step > field.max()) {
        return Optional.of("has step \"" + item.substring(slash + 1) + "\"; a step is a number from 1 to "
            + field.max());
      }
      if (!range.equals("*") && range.indexOf('-') < 0) {
        return Optional.of("has a step after \"" + range + "\"; a step follows * or a range such as 0-30");
      }
    }
    if (range.equals("*")) {
      return Optional.empty();
    }
    int dash = range.indexOf('-');
    if (dash < 0) {
      return value(range, field).isPresent() ? Optional.empty() : Optional.of(outOfRange(range, field));
    }
    Optional<Integer> from = value(range.substring(0, dash), field);
    Optional<Integer> to = value(range.substring(dash + 1), field);
    if (from.isEmpty()) {
      return Optional.of(outOfRange(range.substring(0, dash), field));
    }
    if (to.isEmpty()) {
      return Optional.of(outOfRange(range.substring(dash + 1), field));
    }
    if (from.get() > to.get()) {
      return Optional.of("has range " + range + " that runs backwards");
    }
    return Optional.empty();
  }

  private static Optional<Integer> value(String text, Field field) {
    int named = field.names().indexOf(text.toUpperCase(Locale.ROOT));
    if (named >= 0) {
      return Optional.of(named + (field.names() == MONTHS ? 1 : 0));
    }
    Integer number = number(text);
    return number != null && number >= field.min() && number <= field.max() ? Optional.of(number) : Optional.empty();
  }

  private static Integer number(String text) {
    if (text.isEmpty() || text.length() > 4 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    return Integer.parseInt(text);
  }

  private static String outOfRange(String text, Field field) {
    String names = field.names().isEmpty() ? "" : " or a name " + field.names().get(0) + "-"
        + field.names().get(field.names().size() - 1);
    return "has \"" + text + "\"; allowed are * or numbers from " + field.min() + " to " + field.max() + names;
  }
}
