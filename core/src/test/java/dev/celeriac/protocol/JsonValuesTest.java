package dev.celeriac.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JsonValuesTest {

  @Test
  void kombuTypedValuesBecomeJavaValues() {
    TaskPayload payload = decode("[[{\"__type__\": \"datetime\", \"__value__\": \"2024-01-02T03:04:05+00:00\"},"
        + " {\"__type__\": \"decimal\", \"__value__\": \"1.50\"},"
        + " {\"__type__\": \"uuid\", \"__value__\": {\"hex\": \"8c2a6b4e-9d2f-4f55-9a3e-7f9b8a1c2d3e\"}},"
        + " 12345678901, 123456789012345678901234567890, 1.5], {\"__type__\": 1}, null]");

    assertEquals(OffsetDateTime.parse("2024-01-02T03:04:05+00:00"), payload.args().get(0));
    assertEquals(new BigDecimal("1.50"), payload.args().get(1));
    assertEquals(UUID.fromString("8c2a6b4e-9d2f-4f55-9a3e-7f9b8a1c2d3e"), payload.args().get(2));
    assertEquals(12345678901L, payload.args().get(3));
    assertEquals(new BigInteger("123456789012345678901234567890"), payload.args().get(4));
    assertEquals(1.5, payload.args().get(5));
    assertEquals(Map.of("__type__", 1), payload.kwargs());
  }

  @Test
  void unknownKombuTypeIsMalformed() {
    assertThrows(MalformedMessageException.class,
        () -> decode("[[{\"__type__\": \"frozenset\", \"__value__\": []}], {}, null]"));
  }

  @Test
  void wireValuesAreJsonOnly() {
    assertEquals(List.of("RED", "x"), JsonValues.toWire(List.of(Color.RED, 'x'), "v"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JsonValues.toWire(Map.of("when", new Object()), "extras"));
    assertTrue(e.getMessage().startsWith("extras.when is a java.lang.Object"), e.getMessage());
  }

  @Test
  void zlibCompressedBodiesInflate() throws Exception {
    byte[] raw = "[[1], {}, null]".getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (var deflater = new java.util.zip.DeflaterOutputStream(out)) {
      deflater.write(raw);
    }
    TaskMessage message = new TaskMessage(Map.of("task", "t", "id", "i", "compression", "application/x-gzip"),
        Map.of(), TaskMessage.JSON, "utf-8", out.toByteArray());
    assertEquals(List.of(1), MessageCodec.decodeBody(message).args());
  }

  private enum Color { RED }

  private static TaskPayload decode(String body) {
    return MessageCodec.decodeBody(new TaskMessage(Map.of("task", "t", "id", "i"), Map.of(), TaskMessage.JSON,
        "utf-8", body.getBytes(StandardCharsets.UTF_8)));
  }
}
