package dev.celeriac.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The JSON envelope kombu's virtual transports keep in a Redis list (PROTOCOL §3.2): body (base64), content
 * type and encoding, headers, and properties with {@code delivery_info} and a unique {@code delivery_tag}.
 * The in-memory broker stores the same bytes, so both brokers run the encoding Redis runs. Reading and
 * writing stream through Jackson without building trees: a worker does this for every message.
 */
public final class KombuEnvelope {

  /** Properties that belong to the transport, not to the message: rewritten on every publish. */
  private static final Set<String> TRANSPORT_PROPERTIES = Set.of("delivery_info", "delivery_tag", "body_encoding");
  private static final JsonFactory JSON = MessageCodec.MAPPER.getFactory();
  private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.US_ASCII);

  private KombuEnvelope() {}

  /** A decoded envelope: the message, the queue from {@code delivery_info.routing_key} and the delivery tag. */
  public record Decoded(TaskMessage message, String exchange, String routingKey, String deliveryTag) {}

  /** The envelope for publishing {@code message} to {@code queue} under {@code deliveryTag}. */
  public static byte[] encode(TaskMessage message, String queue, String deliveryTag) {
    ByteArrayBuilder buffer = new ByteArrayBuilder(512 + message.bodyLength() * 4 / 3);
    try (JsonGenerator out = JSON.createGenerator(buffer)) {
      out.writeStartObject();
      out.writeStringField("body", Base64.getEncoder().encodeToString(message.bodyUnsafe()));
      out.writeStringField("content-encoding", message.contentEncoding());
      out.writeStringField("content-type", message.contentType());
      out.writeFieldName("headers");
      JsonValues.write(out, message.headers());
      out.writeFieldName("properties");
      out.writeStartObject();
      for (Map.Entry<String, Object> entry : message.properties().entrySet()) {
        if (!TRANSPORT_PROPERTIES.contains(entry.getKey())) {
          out.writeFieldName(entry.getKey());
          JsonValues.write(out, entry.getValue());
        }
      }
      out.writeFieldName("delivery_info");
      out.writeStartObject();
      out.writeStringField("exchange", "");
      out.writeStringField("routing_key", queue);
      out.writeEndObject();
      out.writeStringField("body_encoding", "base64");
      out.writeStringField("delivery_tag", deliveryTag);
      out.writeEndObject();
      out.writeEndObject();
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("message can't be written as JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return buffer.toByteArray();
  }

  /**
   * Reads an envelope as kombu does: base64 body when {@code body_encoding} says so, otherwise the body
   * string as UTF-8.
   *
   * @throws MalformedMessageException when the bytes are not such an envelope
   */
  public static Decoded decode(byte[] envelope) {
    String body = null;
    String contentType = null;
    String contentEncoding = null;
    byte[] headersJson = EMPTY_OBJECT;
    Map<String, Object> readHeaders = new LinkedHashMap<>();
    Map<String, Object> properties = new LinkedHashMap<>();
    String bodyEncoding = "";
    String exchange = null;
    String routingKey = null;
    String deliveryTag = null;
    boolean sawProperties = false;
    try (JsonParser in = JSON.createParser(envelope)) {
      if (in.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedMessageException("envelope is not a JSON object");
      }
      while (in.nextToken() == JsonToken.FIELD_NAME) {
        String field = in.currentName();
        JsonToken token = in.nextToken();
        switch (field) {
          case "body":
            if (token != JsonToken.VALUE_STRING) {
              throw new MalformedMessageException("envelope has no string 'body'");
            }
            body = in.getText();
            break;
          case "content-type":
            contentType = text(in);
            break;
          case "content-encoding":
            contentEncoding = text(in);
            break;
          case "headers":
            if (token == JsonToken.START_OBJECT) {
              // Only the headers the runtime reads are materialised; the rest stay raw until asked for.
              long start = in.currentTokenLocation().getByteOffset();
              while (in.nextToken() == JsonToken.FIELD_NAME) {
                String header = in.currentName();
                in.nextToken();
                if (TaskMessage.READ_HEADERS.contains(header)) {
                  readHeaders.put(header, JsonValues.read(in));
                } else {
                  in.skipChildren();
                }
              }
              headersJson = java.util.Arrays.copyOfRange(envelope, (int) start,
                  (int) in.currentLocation().getByteOffset());
            } else if (token != JsonToken.VALUE_NULL) {
              throw new MalformedMessageException("envelope 'headers' is not an object");
            }
            break;
          case "properties":
            if (token != JsonToken.START_OBJECT) {
              throw new MalformedMessageException("envelope has no 'properties' object");
            }
            sawProperties = true;
            while (in.nextToken() == JsonToken.FIELD_NAME) {
              String property = in.currentName();
              JsonToken value = in.nextToken();
              if (property.equals("delivery_info") && value == JsonToken.START_OBJECT) {
                Map<String, Object> info = JsonValues.readObject(in);
                exchange = info.get("exchange") == null ? null : info.get("exchange").toString();
                routingKey = info.get("routing_key") == null ? null : info.get("routing_key").toString();
              } else if (property.equals("delivery_tag")) {
                deliveryTag = text(in);
              } else if (property.equals("body_encoding")) {
                bodyEncoding = String.valueOf(text(in));
              } else if (TRANSPORT_PROPERTIES.contains(property)) {
                in.skipChildren();
              } else {
                properties.put(property, JsonValues.read(in));
              }
            }
            break;
          default:
            in.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new MalformedMessageException("envelope is not JSON: "
          + MessageCodec.abbreviate(new String(envelope, StandardCharsets.UTF_8)), e);
    }
    if (body == null) {
      throw new MalformedMessageException("envelope has no string 'body'");
    }
    if (!sawProperties) {
      throw new MalformedMessageException("envelope has no 'properties' object");
    }
    byte[] bodyBytes;
    if (bodyEncoding.equals("base64")) {
      try {
        bodyBytes = Base64.getDecoder().decode(body);
      } catch (IllegalArgumentException e) {
        throw new MalformedMessageException("body is marked base64 but is not: " + e.getMessage(), e);
      }
    } else {
      bodyBytes = body.getBytes(StandardCharsets.UTF_8);
    }
    TaskMessage message = TaskMessage.lazy(headersJson, readHeaders, properties, contentType, contentEncoding,
        bodyBytes);
    return new Decoded(message, exchange, routingKey, deliveryTag);
  }

  /** The full headers from the raw JSON object {@link #decode} kept. */
  static Map<String, Object> readHeaders(byte[] headersJson) {
    try (JsonParser in = JSON.createParser(headersJson)) {
      in.nextToken();
      return JsonValues.readObject(in);
    } catch (IOException e) {
      throw new MalformedMessageException("headers are not a JSON object: " + e.getMessage(), e);
    }
  }

  private static String text(JsonParser in) throws IOException {
    JsonToken token = in.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
      in.skipChildren();
      return null;
    }
    return in.getText();
  }
}
