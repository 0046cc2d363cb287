package dev.celeriac.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The worker's JSON reader against Jackson, the reader it replaced: the same values for random documents
 * written three ways (compact, pretty, ASCII-escaped as Python's json.dumps does), and a refusal wherever
 * strict Jackson refuses.
 */
class JsonReaderTest {

  /** Strict Jackson: what the reader must agree with. */
  private static final ObjectMapper JACKSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private static final ObjectMapper ASCII = JsonMapper.builder()
      .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
      .build();

  @Test
  void readsWhatJacksonReadsForRandomDocuments() throws IOException {
    Random random = new Random(20261202);
    for (int i = 0; i < 3000; i++) {
      Object value = RandomJson.value(random, 0);
      for (byte[] json : List.of(JACKSON.writeValueAsBytes(value),
          JACKSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value), ASCII.writeValueAsBytes(value))) {
        Object expected = JACKSON.readValue(json, Object.class);
        assertEquals(expected, JsonReader.parse(json), () -> new String(json, StandardCharsets.UTF_8));
        JsonReader skipped = new JsonReader(json);
        skipped.skipValue();
        skipped.expectEnd();
      }
    }
  }

  @Test
  void integersTakeTheSmallestTypeThatHoldsThem() {
    assertEquals(List.of(0, 0, 2147483647, -2147483648, 2147483648L, -2147483649L, Long.MAX_VALUE, Long.MIN_VALUE,
            new BigInteger("9223372036854775808"), new BigInteger("-9223372036854775809"), 1.0, 1.5e-10, -0.0),
        JsonReader.parse(bytes("[0, -0, 2147483647, -2147483648, 2147483648, -2147483649, 9223372036854775807,"
            + " -9223372036854775808, 9223372036854775808, -9223372036854775809, 1.0, 1.5E-10, -0.0]")));
  }

  @Test
  void readsPythonsNonFiniteFloats() {
    // Python's json.dumps writes these for float('nan') and float('inf'); json.loads reads them back.
    assertEquals(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY),
        JsonReader.parse(bytes("[NaN, Infinity, -Infinity]")));
  }

  @Test
  void readsEscapesAndSurrogatePairsAsPythonWritesThem() {
    // json.dumps("é😀\"\\/\b\f\n\r\t\x01") with ensure_ascii=True.
    assertEquals("é😀\"\\/\b\f\n\r\t\u0001",
        JsonReader.parse(bytes("\"\\u00e9\\ud83d\\ude00\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0001\"")));
    assertEquals("é😀", JsonReader.parse("\"é😀\"".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void kombuTypedObjectsBecomeJavaValues() {
    UUID id = UUID.randomUUID();
    assertEquals(Map.of("id", id, "when", java.time.OffsetDateTime.parse("2024-01-02T03:04:05+00:00")),
        JsonReader.parse(bytes("{\"id\": {\"__type__\": \"uuid\", \"__value__\": {\"hex\": \"" + id + "\"}},"
            + " \"when\": {\"__type__\": \"datetime\", \"__value__\": \"2024-01-02T03:04:05+00:00\"}}")));
    MalformedMessageException unknown = assertThrows(MalformedMessageException.class,
        () -> JsonReader.parse(bytes("{\"__type__\": \"pickle\", \"__value__\": \"x\"}")));
    assertTrue(unknown.getMessage().contains("unknown kombu value type 'pickle'"), unknown.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "{", "}", "[", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{1:2}", "{'a':1}",
      "01", "-01", "1.", ".5", "+1", "-", "1e", "1e+", "0x10", "tru", "nul", "True", "None", "\"\\x\"",
      "\"a\nb\"", "\"tab\there\"", "\"\\u12G4\"", "\"\\u12\"", "\"open", "[1 2]", "1 2", "{} {}", "[1]]",
      "\"a\" x", "nan", "-NaN", "inf", "--1"})
  void refusesWhatStrictJacksonRefuses(String text) {
    byte[] json = bytes(text);
    assertThrows(IOException.class, () -> JACKSON.readValue(json, Object.class), "Jackson accepts " + text);
    assertThrows(JsonReader.SyntaxError.class, () -> JsonReader.parse(json), "accepted " + text);
    JsonReader skipped = new JsonReader(json);
    assertThrows(JsonReader.SyntaxError.class, () -> {
      skipped.skipValue();
      skipped.expectEnd();
    }, "skipped " + text);
  }

  @Test
  void refusesInvalidUtf8AndOverlongNesting() {
    byte[] invalid = {'"', (byte) 0xff, 'a', '"'};
    assertThrows(JsonReader.SyntaxError.class, () -> JsonReader.parse(invalid));
    byte[] truncated = {'"', (byte) 0xc3, '"'};
    assertThrows(JsonReader.SyntaxError.class, () -> JsonReader.parse(truncated));
    String deep = "[".repeat(JsonReader.MAX_DEPTH + 1) + "]".repeat(JsonReader.MAX_DEPTH + 1);
    JsonReader.SyntaxError error = assertThrows(JsonReader.SyntaxError.class, () -> JsonReader.parse(bytes(deep)));
    assertTrue(error.getMessage().startsWith("nested deeper than " + JsonReader.MAX_DEPTH), error.getMessage());
    assertThrows(JsonReader.SyntaxError.class, () -> new JsonReader(bytes(deep)).skipValue());
    String ok = "[".repeat(JsonReader.MAX_DEPTH) + "]".repeat(JsonReader.MAX_DEPTH);
    JsonReader.parse(bytes(ok));
    new JsonReader(bytes(ok)).skipValue();
  }

  @Test
  void skippedValuesAreCheckedToo() {
    JsonReader reader = new JsonReader(bytes("{\"a\": [1, {\"b\": \"c\\\"\"}, null], \"d\": 2}"));
    reader.skipValue();
    reader.expectEnd();
    JsonReader bad = new JsonReader(bytes("[1, {\"b\": x}]"));
    assertThrows(JsonReader.SyntaxError.class, bad::skipValue);
  }

  @Test
  void errorsSayWhereTheyAre() {
    JsonReader.SyntaxError error = assertThrows(JsonReader.SyntaxError.class,
        () -> JsonReader.parse(bytes("{\"a\": 1 \"b\": 2}")));
    assertEquals("expected '}' at byte 8", error.getMessage());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
