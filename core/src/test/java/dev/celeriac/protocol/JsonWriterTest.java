package dev.celeriac.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The producer's JSON writer writes, byte for byte, what Jackson's generator wrote before it. */
class JsonWriterTest {

  private static final ObjectMapper JACKSON = new ObjectMapper();

  @Test
  void writesJacksonsBytesForRandomValues() throws IOException {
    Random random = new Random(1202);
    for (int i = 0; i < 5000; i++) {
      Object value = RandomJson.value(random, 0);
      byte[] expected = JACKSON.writeValueAsBytes(value);
      assertArrayEquals(expected, new JsonWriter(16).value(value).toByteArray(),
          () -> new String(expected, StandardCharsets.UTF_8));
    }
  }

  @Test
  void escapesEveryControlCharacterAsJacksonDoes() throws IOException {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x80; c++) {
      all.append(c);
    }
    all.append("é€😀\u2028");
    String text = all.toString();
    assertArrayEquals(JACKSON.writeValueAsBytes(text), new JsonWriter(4).string(text).toByteArray());
  }

  @Test
  void numbersOfEveryKindAsJacksonWritesThem() throws IOException {
    List<Object> numbers = Arrays.asList((byte) -3, (short) 300, 7, Long.MIN_VALUE, 1.0, -0.0, 1e300, 1.5e-10,
        Double.NaN, Double.POSITIVE_INFINITY, 2.5f, new BigDecimal("1E+3"), new BigDecimal("0.000001"), true, null);
    assertEquals(new String(JACKSON.writeValueAsBytes(numbers), StandardCharsets.UTF_8),
        new String(new JsonWriter(4).value(numbers).toByteArray(), StandardCharsets.UTF_8));
  }

  @Test
  void theEnvelopeIsWhatTheJacksonGeneratorWrote() throws IOException {
    TaskMessage message = MessageCodec.newMessage(new MessageCodec.NewMessage("tasks.add", "id-1", List.of(2, "x"),
        Map.of("k", List.of(1.5, "é")), null, null, null, null, null, 5, null, java.time.Instant.now()));
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (JsonGenerator out = JACKSON.getFactory().createGenerator(buffer)) {
      out.writeStartObject();
      out.writeStringField("body", java.util.Base64.getEncoder().encodeToString(message.bodyUnsafe()));
      out.writeStringField("content-encoding", message.contentEncoding());
      out.writeStringField("content-type", message.contentType());
      out.writeFieldName("headers");
      out.writeObject(message.headers());
      out.writeFieldName("properties");
      out.writeStartObject();
      for (Map.Entry<String, Object> entry : message.properties().entrySet()) {
        out.writeFieldName(entry.getKey());
        out.writeObject(entry.getValue());
      }
      out.writeObjectFieldStart("delivery_info");
      out.writeStringField("exchange", "");
      out.writeStringField("routing_key", "celery");
      out.writeEndObject();
      out.writeStringField("body_encoding", "base64");
      out.writeStringField("delivery_tag", "tag-1");
      out.writeEndObject();
      out.writeEndObject();
    }
    assertEquals(buffer.toString(StandardCharsets.UTF_8),
        new String(KombuEnvelope.encode(message, "celery", "tag-1"), StandardCharsets.UTF_8));
    Map<String, Object> embed = new java.util.LinkedHashMap<>();
    for (String key : List.of("callbacks", "errbacks", "chain", "chord")) {
      embed.put(key, null);
    }
    assertEquals(JACKSON.writeValueAsString(List.of(List.of(2, "x"), Map.of("k", List.of(1.5, "é")), embed)),
        new String(message.bodyUnsafe(), StandardCharsets.UTF_8));
  }

  @Test
  void aLoneSurrogateCannotBeWritten() {
    assertThrows(IllegalArgumentException.class, () -> new JsonWriter(4).string("a\ud800b"));
  }
}
