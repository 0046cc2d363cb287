package dev.celeriac.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Times as Python's {@code datetime.isoformat()} writes them, and read back. */
class TimestampsTest {

  private static final DateTimeFormatter PYTHON_ISO = new DateTimeFormatterBuilder()
      .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral('T').appendPattern("HH:mm:ss")
      .appendFraction(ChronoField.MICRO_OF_SECOND, 6, 6, true).appendOffset("+HH:MM", "+00:00").toFormatter();

  @Test
  void formatsAsPythonsIsoformatWithMicroseconds() {
    assertEquals("2026-11-23T19:39:27.150257+00:00", Timestamps.format(Instant.parse("2026-11-23T19:39:27.150257891Z")));
    assertEquals("1970-01-01T00:00:00.000000+00:00", Timestamps.format(Instant.EPOCH));
    assertEquals("0001-02-03T04:05:06.000007+00:00", Timestamps.format(Instant.parse("0001-02-03T04:05:06.000007Z")));
  }

  @Test
  void agreesWithTheFormatterAndReadsBackAtMicrosecondPrecision() {
    Random random = new Random(7);
    long first = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 20_000; i++) {
      Instant instant = Instant.ofEpochSecond(first + Math.floorMod(random.nextLong(), last - first + 1),
          random.nextInt(1_000_000_000));
      String text = Timestamps.format(instant);
      assertEquals(PYTHON_ISO.format(instant.atOffset(ZoneOffset.UTC)), text);
      Instant parsed = Timestamps.parse(text);
      assertEquals(instant.getEpochSecond(), parsed.getEpochSecond(), text);
      assertEquals(instant.getNano() / 1000, parsed.getNano() / 1000, text);
    }
  }

  @Test
  void yearsBeyondFourDigitsGoThroughTheFormatter() {
    Instant far = Instant.parse("+12026-01-01T00:00:00Z");
    assertEquals(PYTHON_ISO.format(far.atOffset(ZoneOffset.UTC)), Timestamps.format(far));
  }
}
