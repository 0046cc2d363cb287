package dev.celeriac.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Frame;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The messages Python Celery 5.2.6 and 5.6.2 put on the wire (captured; see docs/wire-format.md and the files in protocol-examples/) decode,
 * and what Celeriac encodes has their shape field for field.
 */
class CapturedMessagesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(strings = {"redis_celery526_add_delay.json", "redis_celery562_add_delay.json"})
  void decodesAddDelay(String file) throws IOException {
    KombuEnvelope.Decoded decoded = KombuEnvelope.decode(resource(file));
    TaskMessage message = decoded.message();

    assertEquals("tasks.add", message.task());
    assertEquals(36, message.id().length());
    assertEquals(message.id(), message.rootId());
    assertNull(message.parentId());
    assertEquals(0, message.retries());
    assertTrue(message.eta().isEmpty());
    assertTrue(message.expires().isEmpty());
    assertEquals("celery", decoded.routingKey());
    assertEquals("", decoded.exchange());
    assertEquals(36, decoded.deliveryTag().length());
    TaskPayload payload = MessageCodec.decodeBody(message);
    assertEquals(List.of(2, 3), payload.args());
    assertEquals(Map.of(), payload.kwargs());
    assertTrue(payload.embed().containsKey("chain"));
  }

  @Test
  void decodesCountdownExpiresPriority() throws IOException {
    TaskMessage message = KombuEnvelope.decode(resource("redis_celery562_countdown_expires_priority5.json")).message();

    assertEquals(Instant.parse("2026-11-23T19:49:52.944380Z"), message.eta().orElseThrow());
    assertEquals(Instant.parse("2026-11-23T19:59:22.944380Z"), message.expires().orElseThrow());
    assertEquals(5, message.priority());
    assertEquals("600000", message.properties().get("expiration"));
    assertEquals(List.of(4, 5), MessageCodec.decodeBody(message).args());
  }

  @Test
  void decodesRetryMessage() throws IOException {
    TaskMessage message = KombuEnvelope.decode(resource("redis_celery562_retry1.json")).message();

    assertEquals("tasks.flaky", message.task());
    assertEquals(1, message.retries());
    assertEquals(message.id(), message.parentId());
    assertEquals(message.id(), message.rootId());
    assertEquals(Instant.parse("2026-11-23T19:39:27.150257Z"), message.eta().orElseThrow());
    assertEquals("gen6522@vm", message.properties().get("origin"));
    assertEquals(List.of(1), MessageCodec.decodeBody(message).args());
  }

  /** Celeriac's retry of the original matches what Celery's Task.retry published (retry1.json). */
  @Test
  void retryOfMatchesCeleryRetry() throws IOException {
    TaskMessage celeryRetry = KombuEnvelope.decode(resource("redis_celery562_retry1.json")).message();
    Map<String, Object> originalHeaders = new LinkedHashMap<>(celeryRetry.headers());
    originalHeaders.put("retries", 0);
    originalHeaders.put("eta", null);
    originalHeaders.put("parent_id", null);
    TaskMessage original = new TaskMessage(originalHeaders, celeryRetry.properties(), celeryRetry.contentType(),
        celeryRetry.contentEncoding(), celeryRetry.body());

    TaskMessage retry = MessageCodec.retryOf(original, Instant.parse("2026-11-23T19:39:27.150257Z"),
        Instant.parse("2026-11-23T19:39:20.150257Z"));

    assertEquals(celeryRetry.headers(), retry.headers());
    assertEquals(celeryRetry.properties(), retry.properties());
    assertEquals(new String(celeryRetry.body(), StandardCharsets.UTF_8), new String(retry.body(), StandardCharsets.UTF_8));
  }

  /** The raw AMQP frames of one Celery 5.6.2 publish, read with RabbitMQ's own frame reader. */
  @Test
  void decodesAmqpPublishFrames() throws IOException {
    DataInputStream frames = new DataInputStream(new ByteArrayInputStream(hexFrames("amqp_publish_add_2_3.hex")));
    Frame method = Frame.readFrom(frames, 1 << 20);
    Frame header = Frame.readFrom(frames, 1 << 20);
    Frame body = Frame.readFrom(frames, 1 << 20);

    AMQP.Basic.Publish publish = (AMQP.Basic.Publish) AMQImpl.readMethodFrom(method.getInputStream());
    assertEquals("", publish.getExchange());
    assertEquals("celery", publish.getRoutingKey());
    DataInputStream headerIn = header.getInputStream();
    AMQP.BasicProperties properties = (AMQP.BasicProperties) AMQImpl.readContentHeaderFrom(headerIn);
    assertEquals("application/json", properties.getContentType());
    assertEquals("utf-8", properties.getContentEncoding());
    assertEquals(2, properties.getDeliveryMode());

    Map<String, Object> headers = plain(properties.getHeaders());
    TaskMessage message = new TaskMessage(headers, Map.of("priority", properties.getPriority()),
        properties.getContentType(), properties.getContentEncoding(), body.getPayload());
    assertEquals("tasks.add", message.task());
    assertEquals(properties.getCorrelationId(), message.id());
    assertEquals(0, message.retries());
    assertEquals(List.of(2, 3), MessageCodec.decodeBody(message).args());
    // timelimit is an AMQP array of two voids, stamps an empty table.
    assertEquals(java.util.Arrays.asList(null, null), headers.get("timelimit"));
    assertEquals(Map.of(), headers.get("stamps"));
  }

  /**
   * What Celeriac publishes to RabbitMQ has the content header of Celery 5.6.2's {@code add.delay(2, 3)}: the
   * same properties, the same header names, and the same AMQP field type for every header value (nested ones
   * included), read from both frames' bytes. Only values differ (ids, origin, reprs), and Celeriac adds its one
   * documented header, {@code celeriac_sent_at}, a string. The order of the headers is not compared: amqp-client
   * keeps them in a HashMap, and neither client gives a field table's order a meaning.
   */
  @Test
  void encodedAmqpContentHeaderHasCeleryShape() throws IOException {
    DataInputStream captured = new DataInputStream(new ByteArrayInputStream(hexFrames("amqp_publish_add_2_3.hex")));
    Frame.readFrom(captured, 1 << 20);
    ContentHeader celery = ContentHeader.parse(Frame.readFrom(captured, 1 << 20));

    Map<String, Object> kwargs = new LinkedHashMap<>();
    kwargs.put("x", 2);
    kwargs.put("y", 3);
    // As a stub's enqueue builds it: every argument a keyword, and the time it was sent.
    TaskMessage ours = MessageCodec.newMessage(new MessageCodec.NewMessage("tasks.add",
        "0b9e3c9a-7d51-4a59-8c0e-4a3b2f1d6e5c", List.of(), kwargs, null, null, null, null, null, null,
        Duration.ZERO, Instant.parse("2026-11-23T19:49:22.944380Z")));
    ContentHeader encoded = ContentHeader.parse(Frame.readFrom(new DataInputStream(new ByteArrayInputStream(
        dev.celeriac.broker.amqp.AmqpWire.contentHeaderFrame(ours, 1))), 1 << 20));

    assertEquals(List.of("content_type", "content_encoding", "headers", "delivery_mode", "priority",
        "correlation_id", "reply_to"), celery.properties(), "what the capture holds");
    assertEquals(celery.properties(), encoded.properties());
    Map<String, String> ourTypes = new LinkedHashMap<>(encoded.headerTypes());
    assertEquals("S", ourTypes.remove(MessageCodec.SENT_AT));
    assertEquals(new java.util.TreeSet<>(celery.headerTypes().keySet()), new java.util.TreeSet<>(ourTypes.keySet()));
    assertEquals(new java.util.TreeMap<>(celery.headerTypes()), new java.util.TreeMap<>(ourTypes));
    // A few whose types say little on their own.
    assertEquals("A[V,V]", celery.headerTypes().get("timelimit"));
    assertEquals("F{}", celery.headerTypes().get("stamps"));
    assertEquals("t", celery.headerTypes().get("ignore_result"));
    assertEquals("I", celery.headerTypes().get("retries"));

    assertEquals(celery.values().get("content_type"), encoded.values().get("content_type"));
    assertEquals(celery.values().get("content_encoding"), encoded.values().get("content_encoding"));
    assertEquals(celery.values().get("delivery_mode"), encoded.values().get("delivery_mode"));
    assertEquals(celery.values().get("priority"), encoded.values().get("priority"));
    assertEquals(ours.id(), encoded.values().get("correlation_id"));
    assertEquals(ours.body().length, encoded.bodySize());
  }

  /**
   * A message Celeriac builds has the envelope of Celery 5.6.2's {@code add.delay}: the same header names in
   * the same order, the same property names, the same body shape. Only values differ.
   */
  @Test
  void encodedEnvelopeHasCeleryShape() throws IOException {
    JsonNode celery = JSON.readTree(resource("redis_celery562_add_delay.json"));
    Map<String, Object> kwargs = new LinkedHashMap<>();
    kwargs.put("x", 2);
    kwargs.put("y", 3);
    TaskMessage ours = MessageCodec.newMessage(new MessageCodec.NewMessage("tasks.add", "a-b-c",
        List.of(), kwargs, null, null, null, null, null, null, Duration.ZERO));
    JsonNode encoded = JSON.readTree(KombuEnvelope.encode(ours, "celery", "tag-1"));

    assertEquals(fieldNames(celery), fieldNames(encoded));
    assertEquals(fieldNames(celery.get("headers")), fieldNames(encoded.get("headers")));
    assertEquals(new java.util.TreeSet<>(fieldNames(celery.get("properties"))),
        new java.util.TreeSet<>(fieldNames(encoded.get("properties"))));
    assertEquals(celery.get("content-type"), encoded.get("content-type"));
    assertEquals(celery.get("content-encoding"), encoded.get("content-encoding"));
    assertEquals(celery.at("/properties/delivery_info"), encoded.at("/properties/delivery_info"));
    assertEquals(celery.at("/properties/body_encoding"), encoded.at("/properties/body_encoding"));
    for (String header : List.of("shadow", "eta", "expires", "group", "group_index", "parent_id", "stamped_headers")) {
      assertTrue(encoded.get("headers").get(header).isNull(), header);
    }
    assertEquals(celery.at("/headers/timelimit"), encoded.at("/headers/timelimit"));
    assertEquals(celery.at("/headers/stamps"), encoded.at("/headers/stamps"));
    assertEquals("{'x': 2, 'y': 3}", encoded.at("/headers/kwargsrepr").asText());
    assertEquals("()", encoded.at("/headers/argsrepr").asText());
    assertEquals("a-b-c", encoded.at("/headers/root_id").asText());
    assertEquals("a-b-c", encoded.at("/properties/correlation_id").asText());

    JsonNode celeryBody = JSON.readTree(java.util.Base64.getDecoder().decode(celery.get("body").asText()));
    JsonNode ourBody = JSON.readTree(java.util.Base64.getDecoder().decode(encoded.get("body").asText()));
    assertEquals(3, ourBody.size());
    assertEquals(celeryBody.get(2), ourBody.get(2));
    assertEquals(JSON.readTree("{\"x\": 2, \"y\": 3}"), ourBody.get(1));
  }

  @Test
  void encodesCountdownExpiresPriorityLikeCelery() throws IOException {
    JsonNode celery = JSON.readTree(resource("redis_celery562_countdown_expires_priority5.json"));
    Instant now = Instant.parse("2026-11-23T19:49:22.944380Z");
    TaskMessage ours = MessageCodec.newMessage(new MessageCodec.NewMessage("tasks.add", "id-1", List.of(4, 5),
        Map.of(), now.plusSeconds(30), now.plusSeconds(600), Duration.ofMinutes(10), null, null, 5, Duration.ZERO));
    JsonNode encoded = JSON.readTree(KombuEnvelope.encode(ours, "celery", "tag-2"));

    assertEquals(celery.at("/headers/eta"), encoded.at("/headers/eta"));
    assertEquals(celery.at("/headers/expires"), encoded.at("/headers/expires"));
    assertEquals(celery.at("/properties/expiration"), encoded.at("/properties/expiration"));
    assertEquals(celery.at("/properties/priority"), encoded.at("/properties/priority"));
    assertEquals(celery.at("/headers/argsrepr"), encoded.at("/headers/argsrepr"));
  }

  @Test
  void roundTripsEveryVector() throws IOException {
    for (String file : List.of("redis_celery526_add_delay.json", "redis_celery562_add_delay.json",
        "redis_celery562_countdown_expires_priority5.json", "redis_celery562_retry1.json")) {
      KombuEnvelope.Decoded first = KombuEnvelope.decode(resource(file));
      byte[] again = KombuEnvelope.encode(first.message(), first.routingKey(), first.deliveryTag());
      KombuEnvelope.Decoded second = KombuEnvelope.decode(again);
      assertEquals(first, second, file);
      assertEquals(JSON.readTree(resource(file)), JSON.readTree(again), file);
    }
  }

  /**
   * A basic content header read byte by byte, as AMQP 0-9-1 and RabbitMQ's errata define it: which properties
   * are set, their values where they are scalars, and each header's field type: its tag, with the tags of the
   * elements of an array ({@code A[V,V]}) or the names and tags of a table ({@code F{k:S}}).
   */
  private record ContentHeader(long bodySize, List<String> properties, Map<String, Object> values,
      Map<String, String> headerTypes) {

    private static final List<String> BASIC_PROPERTIES = List.of("content_type", "content_encoding", "headers",
        "delivery_mode", "priority", "correlation_id", "reply_to", "expiration", "message_id", "timestamp", "type",
        "user_id", "app_id", "cluster_id");

    static ContentHeader parse(Frame frame) throws IOException {
      assertEquals(AMQP.FRAME_HEADER, frame.type);
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(frame.getPayload()));
      assertEquals(60, in.readUnsignedShort(), "class basic");
      assertEquals(0, in.readUnsignedShort(), "weight");
      long bodySize = in.readLong();
      int flags = in.readUnsignedShort();
      assertEquals(0, flags & 1, "no second flags word");
      List<String> properties = new ArrayList<>();
      Map<String, Object> values = new LinkedHashMap<>();
      Map<String, String> headerTypes = new LinkedHashMap<>();
      for (int i = 0; i < BASIC_PROPERTIES.size(); i++) {
        if ((flags & (1 << (15 - i))) == 0) {
          continue;
        }
        String name = BASIC_PROPERTIES.get(i);
        properties.add(name);
        switch (name) {
          case "headers" -> readTable(in).forEach(headerTypes::put);
          case "delivery_mode", "priority" -> values.put(name, in.readUnsignedByte());
          case "timestamp" -> values.put(name, in.readLong());
          default -> values.put(name, shortString(in));
        }
      }
      assertEquals(-1, in.read(), "nothing after the properties");
      return new ContentHeader(bodySize, properties, values, headerTypes);
    }

    private static Map<String, String> readTable(DataInputStream in) throws IOException {
      DataInputStream table = new DataInputStream(new ByteArrayInputStream(in.readNBytes(in.readInt())));
      Map<String, String> types = new LinkedHashMap<>();
      while (table.available() > 0) {
        String name = shortString(table);
        types.put(name, fieldType(table));
      }
      return types;
    }

    private static String fieldType(DataInputStream in) throws IOException {
      char tag = (char) in.readUnsignedByte();
      switch (tag) {
        case 't', 'b', 'B' -> in.skipNBytes(1);
        case 's', 'u' -> in.skipNBytes(2);
        case 'I', 'i', 'f' -> in.skipNBytes(4);
        case 'l', 'd', 'T' -> in.skipNBytes(8);
        case 'D' -> in.skipNBytes(5);
        case 'S', 'x' -> in.skipNBytes(in.readInt());
        case 'V' -> { }
        case 'A' -> {
          DataInputStream array = new DataInputStream(new ByteArrayInputStream(in.readNBytes(in.readInt())));
          List<String> elements = new ArrayList<>();
          while (array.available() > 0) {
            elements.add(fieldType(array));
          }
          return "A[" + String.join(",", elements) + "]";
        }
        case 'F' -> {
          List<String> entries = new ArrayList<>();
          readTable(in).forEach((key, type) -> entries.add(key + ":" + type));
          return "F{" + String.join(",", entries) + "}";
        }
        default -> throw new AssertionError("unknown AMQP field type '" + tag + "'");
      }
      return String.valueOf(tag);
    }

    private static String shortString(DataInputStream in) throws IOException {
      return new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.UTF_8);
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  /** AMQP header values as plain Java: LongString to String, nested tables and arrays likewise. */
  private static Map<String, Object> plain(Map<String, Object> table) {
    Map<String, Object> out = new LinkedHashMap<>();
    table.forEach((key, value) -> out.put(key, plainValue(value)));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object plainValue(Object value) {
    if (value instanceof LongString text) {
      return text.toString();
    }
    if (value instanceof Map<?, ?> map) {
      return plain((Map<String, Object>) map);
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(element -> out.add(plainValue(element)));
      return out;
    }
    return value;
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = CapturedMessagesTest.class.getResourceAsStream("/protocol-examples/" + name)) {
      if (in == null) {
        throw new IOException("missing test vector " + name);
      }
      return in.readAllBytes();
    }
  }

  private static byte[] hexFrames(String name) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String line : new String(resource(name), StandardCharsets.US_ASCII).split("\n", -1)) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      for (String hex : line.trim().split("\\s+", -1)) {
        out.write(Integer.parseInt(hex, 16));
      }
    }
    return out.toByteArray();
  }
}
