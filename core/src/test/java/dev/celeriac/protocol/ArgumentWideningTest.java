package dev.celeriac.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.ValueType;
import dev.celeriac.rules.ValueKind;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The processor lets a parameter change kind while old messages are queued exactly when celeriac-rules says the
 * new kind {@link ValueKind#widens widens} the old one; here the conversion the worker binds arguments with keeps that promise for the
 * extreme values an old message may carry.
 */
class ArgumentWideningTest {

  /** The values a message written for each kind may carry, as the JSON reader decodes them. */
  private static final Map<ValueKind, List<Object>> WIRE_VALUES = Map.of(
      ValueKind.BYTE, List.of((int) Byte.MIN_VALUE, (int) Byte.MAX_VALUE, 0),
      ValueKind.SHORT, List.of((int) Short.MIN_VALUE, (int) Short.MAX_VALUE),
      ValueKind.INT, List.of(Integer.MIN_VALUE, Integer.MAX_VALUE),
      ValueKind.LONG, List.of(Long.MIN_VALUE, Long.MAX_VALUE),
      ValueKind.FLOAT, List.of((double) Float.MAX_VALUE, (double) -Float.MIN_VALUE, 0.1d),
      ValueKind.DOUBLE, List.of(Double.MAX_VALUE, Double.MIN_VALUE),
      ValueKind.CHAR, List.of("x", "é"),
      ValueKind.ENUM, List.of("RED"));

  @Test
  void everyWideningTheRulesAllowBindsEveryOldValue() {
    int checked = 0;
    for (ValueKind narrower : WIRE_VALUES.keySet()) {
      for (ValueKind wider : ValueKind.values()) {
        if (!wider.widens(narrower)) {
          continue;
        }
        ValueType type = wider == ValueKind.STRING ? ValueType.STRING : ValueType.boxed(ValueType.Kind.of(wider));
        for (Object raw : WIRE_VALUES.get(narrower)) {
          Object bound = TypedValues.convert(raw, type, "x");
          assertNotNull(bound, narrower + " " + raw + " to " + wider);
          if (wider == ValueKind.LONG || wider == ValueKind.DOUBLE) {
            // Lossless: the number reads back as it was written.
            assertEquals(0, new BigDecimal(raw.toString()).compareTo(new BigDecimal(bound.toString())),
                narrower + " " + raw + " to " + wider);
          }
          checked++;
        }
      }
    }
    assertTrue(checked > 20, "checked " + checked);
  }
}
