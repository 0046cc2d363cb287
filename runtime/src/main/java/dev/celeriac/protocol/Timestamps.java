package dev.celeriac.protocol;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/** ISO-8601 times as Celery writes and reads them in {@code eta} and {@code expires}. */
public final class Timestamps {

  /** Python's {@code datetime.isoformat()} for an aware UTC time: microseconds and {@code +00:00}. */
  private static final DateTimeFormatter PYTHON_ISO = new DateTimeFormatterBuilder()
      .append(DateTimeFormatter.ISO_LOCAL_DATE)
      .appendLiteral('T')
      .appendPattern("HH:mm:ss")
      .appendFraction(ChronoField.MICRO_OF_SECOND, 6, 6, true)
      .appendOffset("+HH:MM", "+00:00")
      .toFormatter();

  private Timestamps() {}

  /** Formats as {@code 2026-11-23T19:39:27.150257+00:00}. */
  public static String format(Instant instant) {
    return PYTHON_ISO.format(instant.atOffset(ZoneOffset.UTC));
  }

  /**
   * Parses an ISO-8601 time with an offset or {@code Z}; a time without offset is UTC, as Celery reads it.
   *
   * @throws MalformedMessageException when the text is not such a time
   */
  public static Instant parse(String text) {
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException withOffset) {
      try {
        return LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException naive) {
        throw new MalformedMessageException("not an ISO-8601 time: '" + text + "'");
      }
    }
  }
}
