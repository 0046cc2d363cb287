package dev.celeriac.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The JSON envelope kombu's virtual transports keep in a Redis list (docs/wire-format.md §3.1): body (base64), content
 * type and encoding, headers, and properties with {@code delivery_info} and a unique {@code delivery_tag}.
 * The in-memory broker stores the same bytes, so both brokers run the encoding Redis runs. Written by
 * {@link JsonWriter} and read by {@link JsonReader}, neither building trees: every message goes through both.
 */
public final class KombuEnvelope {

  /** Properties that belong to the transport, not to the message: rewritten on every publish. */
  private static final Set<String> TRANSPORT_PROPERTIES = Set.of("delivery_info", "delivery_tag", "body_encoding");
  private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.US_ASCII);

  private KombuEnvelope() {}

  /** A decoded envelope: the message, the queue from {@code delivery_info.routing_key} and the delivery tag. */
  public record Decoded(TaskMessage message, String exchange, String routingKey, String deliveryTag) {}

  /** The envelope for publishing {@code message} to {@code queue} under {@code deliveryTag}. */
  public static byte[] encode(TaskMessage message, String queue, String deliveryTag) {
    return encode(message, "", queue, deliveryTag);
  }

  /**
   * The envelope for publishing {@code message} to {@code exchange} with {@code routingKey}, as kombu writes
   * {@code delivery_info}: events and remote-control messages travel on named exchanges.
   */
  public static byte[] encode(TaskMessage message, String exchange, String routingKey, String deliveryTag) {
    // Celery's headers and properties take about 900 bytes; argsrepr and kwargsrepr grow with the arguments.
    JsonWriter out = new JsonWriter(1280 + message.bodyLength() * 8 / 3);
    out.raw('{').name("body").base64(message.bodyUnsafe());
    out.raw(',').name("content-encoding").value(message.contentEncoding());
    out.raw(',').name("content-type").value(message.contentType());
    out.raw(',').name("headers").value(message.headers());
    out.raw(',').name("properties").raw('{');
    for (Map.Entry<String, Object> entry : message.properties().entrySet()) {
      if (!TRANSPORT_PROPERTIES.contains(entry.getKey())) {
        out.name(entry.getKey()).value(entry.getValue()).raw(',');
      }
    }
    out.name("delivery_info").raw('{').name("exchange").string(exchange).raw(',').name("routing_key").string(routingKey)
        .raw('}');
    out.raw(',').name("body_encoding").string("base64");
    out.raw(',').name("delivery_tag").string(deliveryTag);
    return out.raw('}').raw('}').toByteArray();
  }

  /**
   * Reads an envelope as kombu does: base64 body when {@code body_encoding} says so, otherwise the body
   * string as UTF-8.
   *
   * @throws MalformedMessageException when the bytes are not such an envelope
   */
  public static Decoded decode(byte[] envelope) {
    Fields fields = new Fields();
    JsonReader in = new JsonReader(envelope);
    try {
      if (in.peek() != '{') {
        throw new MalformedMessageException("envelope is not a JSON object");
      }
      in.expect('{');
      if (!in.consume('}')) {
        do {
          String field = in.readString();
          in.expect(':');
          switch (field) {
            case "body":
              if (in.peek() != '"') {
                throw new MalformedMessageException("envelope has no string 'body'");
              }
              fields.body = in.readString();
              break;
            case "content-type":
              fields.contentType = text(in);
              break;
            case "content-encoding":
              fields.contentEncoding = text(in);
              break;
            case "headers":
              readHeaders(in, envelope, fields);
              break;
            case "properties":
              readProperties(in, fields);
              break;
            default:
              in.skipValue();
          }
        } while (in.consume(','));
        in.expect('}');
      }
      in.expectEnd();
    } catch (JsonReader.SyntaxError e) {
      throw new MalformedMessageException("envelope is not JSON: " + e.getMessage() + ": "
          + MessageCodec.abbreviate(new String(envelope, StandardCharsets.UTF_8)), e);
    }
    if (fields.body == null) {
      throw new MalformedMessageException("envelope has no string 'body'");
    }
    if (fields.properties == null) {
      throw new MalformedMessageException("envelope has no 'properties' object");
    }
    byte[] bodyBytes;
    if (fields.bodyEncoding.equals("base64")) {
      try {
        bodyBytes = Base64.getDecoder().decode(fields.body);
      } catch (IllegalArgumentException e) {
        throw new MalformedMessageException("body is marked base64 but is not: " + e.getMessage(), e);
      }
    } else {
      bodyBytes = fields.body.getBytes(StandardCharsets.UTF_8);
    }
    TaskMessage message = TaskMessage.lazy(fields.headersJson, fields.readHeaders, fields.properties,
        fields.contentType, fields.contentEncoding, bodyBytes);
    return new Decoded(message, fields.exchange, fields.routingKey, fields.deliveryTag);
  }

  /** What {@link #decode} collects. */
  private static final class Fields {
    String body;
    String contentType;
    String contentEncoding;
    byte[] headersJson = EMPTY_OBJECT;
    final Map<String, Object> readHeaders = new LinkedHashMap<>();
    Map<String, Object> properties;
    String bodyEncoding = "";
    String exchange;
    String routingKey;
    String deliveryTag;
  }

  /** Only the headers the runtime reads are materialised; the object is kept as bytes for the rest. */
  private static void readHeaders(JsonReader in, byte[] envelope, Fields fields) {
    if (in.consumeNull()) {
      return;
    }
    if (in.peek() != '{') {
      throw new MalformedMessageException("envelope 'headers' is not an object");
    }
    int start = in.position();
    in.expect('{');
    if (!in.consume('}')) {
      do {
        String header = in.readString();
        in.expect(':');
        if (TaskMessage.READ_HEADERS.contains(header)) {
          fields.readHeaders.put(header, in.readValue());
        } else {
          in.skipValue();
        }
      } while (in.consume(','));
      in.expect('}');
    }
    fields.headersJson = Arrays.copyOfRange(envelope, start, in.position());
  }

  private static void readProperties(JsonReader in, Fields fields) {
    if (in.peek() != '{') {
      throw new MalformedMessageException("envelope has no 'properties' object");
    }
    fields.properties = new LinkedHashMap<>();
    in.expect('{');
    if (!in.consume('}')) {
      do {
        String property = in.readString();
        in.expect(':');
        if (property.equals("delivery_info") && in.peek() == '{') {
          Map<String, Object> info = in.readObjectMap();
          fields.exchange = info.get("exchange") == null ? null : info.get("exchange").toString();
          fields.routingKey = info.get("routing_key") == null ? null : info.get("routing_key").toString();
        } else if (property.equals("delivery_tag")) {
          fields.deliveryTag = text(in);
        } else if (property.equals("body_encoding")) {
          fields.bodyEncoding = String.valueOf(text(in));
        } else if (TRANSPORT_PROPERTIES.contains(property)) {
          in.skipValue();
        } else {
          fields.properties.put(property, in.readValue());
        }
      } while (in.consume(','));
      in.expect('}');
    }
  }

  /** The full headers from the raw JSON object {@link #decode} kept. */
  static Map<String, Object> readHeaders(byte[] headersJson) {
    try {
      JsonReader in = new JsonReader(headersJson);
      Map<String, Object> headers = in.readObjectMap();
      in.expectEnd();
      return headers;
    } catch (JsonReader.SyntaxError e) {
      throw new MalformedMessageException("headers are not a JSON object: " + e.getMessage(), e);
    }
  }

  /** A string-like value as text: null for null, an object or an array; numbers and booleans as written. */
  private static String text(JsonReader in) {
    int next = in.peek();
    if (next == '{' || next == '[') {
      in.skipValue();
      return null;
    }
    Object value = in.readValue();
    return value == null ? null : value.toString();
  }
}
