package dev.celeriac.processor.validation;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A strict check of standard five-field cron expressions (minute, hour, day of month, month, day of week:
 * {@code *}, numbers, names JAN-DEC and SUN-SAT, ranges, lists and steps after {@code *} or a range) and of the
 * macros {@code @yearly @annually @monthly @weekly @daily @midnight @hourly}. Written here rather than taken
 * from a library so that the processor accepts exactly what the documentation promises and nothing more.
 */
final class CronExpressions {

  private static final Set<String> MACROS =
      Set.of("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly");

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

  private CronExpressions() {}

  /** What is wrong with {@code expression}, or empty if it is valid. */
  static Optional<String> problem(String expression) {
    String trimmed = expression.trim();
    if (trimmed.isEmpty()) {
      return Optional.of("it is blank");
    }
    if (trimmed.startsWith("@")) {
      return MACROS.contains(trimmed)
          ? Optional.empty()
          : Optional.of(trimmed + " is not a supported macro" + NearMatch.hint(trimmed, MACROS));
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
