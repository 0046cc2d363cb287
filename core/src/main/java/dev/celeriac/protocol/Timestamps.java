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

  /**
   * Formats as {@code 2026-11-23T19:39:27.150257+00:00}. Every message a producer sends carries one, so
   * years 0 to 9999 are written digit by digit (a tenth of the formatter's time); others go through it.
   */
  public static String format(Instant instant) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
    if (t.getYear() < 0 || t.getYear() > 9999) {
      return PYTHON_ISO.format(instant.atOffset(ZoneOffset.UTC));
    }
    byte[] out = new byte[32];
    digits(out, 0, t.getYear(), 4);
    out[4] = '-';
    digits(out, 5, t.getMonthValue(), 2);
    out[7] = '-';
    digits(out, 8, t.getDayOfMonth(), 2);
    out[10] = 'T';
    digits(out, 11, t.getHour(), 2);
    out[13] = ':';
    digits(out, 14, t.getMinute(), 2);
    out[16] = ':';
    digits(out, 17, t.getSecond(), 2);
    out[19] = '.';
    digits(out, 20, t.getNano() / 1000, 6);
    out[26] = '+';
    out[27] = '0';
    out[28] = '0';
    out[29] = ':';
    out[30] = '0';
    out[31] = '0';
    return new String(out, java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static void digits(byte[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
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
