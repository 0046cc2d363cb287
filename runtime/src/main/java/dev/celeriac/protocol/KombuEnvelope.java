package dev.celeriac.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The JSON envelope kombu's virtual transports keep in a Redis list (PROTOCOL §3.2): body (base64), content
 * type and encoding, headers, and properties with {@code delivery_info} and a unique {@code delivery_tag}.
 * The in-memory broker stores the same bytes, so both brokers run the encoding Redis runs.
 */
public final class KombuEnvelope {

  /** Properties that belong to the transport, not to the message: rewritten on every publish. */
  private static final Set<String> TRANSPORT_PROPERTIES = Set.of("delivery_info", "delivery_tag", "body_encoding");

  private KombuEnvelope() {}

  /** A decoded envelope: the message, the queue from {@code delivery_info.routing_key} and the delivery tag. */
  public record Decoded(TaskMessage message, String exchange, String routingKey, String deliveryTag) {}

  /** The envelope for publishing {@code message} to {@code queue} under {@code deliveryTag}. */
  public static byte[] encode(TaskMessage message, String queue, String deliveryTag) {
    ObjectNode root = MessageCodec.MAPPER.createObjectNode();
    root.put("body", Base64.getEncoder().encodeToString(message.bodyUnsafe()));
    root.put("content-encoding", message.contentEncoding());
    root.put("content-type", message.contentType());
    root.set("headers", MessageCodec.MAPPER.valueToTree(message.headers()));
    ObjectNode properties = root.putObject("properties");
    for (Map.Entry<String, Object> entry : message.properties().entrySet()) {
      if (!TRANSPORT_PROPERTIES.contains(entry.getKey())) {
        properties.set(entry.getKey(), MessageCodec.MAPPER.valueToTree(entry.getValue()));
      }
    }
    ObjectNode deliveryInfo = properties.putObject("delivery_info");
    deliveryInfo.put("exchange", "");
    deliveryInfo.put("routing_key", queue);
    properties.put("body_encoding", "base64");
    properties.put("delivery_tag", deliveryTag);
    try {
      return MessageCodec.MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("message can't be written as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Reads an envelope as kombu does: base64 body when {@code body_encoding} says so, otherwise the body
   * string as UTF-8.
   *
   * @throws MalformedMessageException when the bytes are not such an envelope
   */
  public static Decoded decode(byte[] envelope) {
    JsonNode root;
    try {
      root = MessageCodec.MAPPER.readTree(envelope);
    } catch (IOException e) {
      throw new MalformedMessageException("envelope is not JSON: "
          + MessageCodec.abbreviate(new String(envelope, StandardCharsets.UTF_8)), e);
    }
    if (root == null || !root.isObject()) {
      throw new MalformedMessageException("envelope is not a JSON object");
    }
    JsonNode bodyNode = root.get("body");
    if (bodyNode == null || !bodyNode.isTextual()) {
      throw new MalformedMessageException("envelope has no string 'body'");
    }
    JsonNode propertiesNode = root.path("properties");
    if (!propertiesNode.isObject()) {
      throw new MalformedMessageException("envelope has no 'properties' object");
    }
    JsonNode headersNode = root.path("headers");
    if (!headersNode.isObject() && !headersNode.isMissingNode() && !headersNode.isNull()) {
      throw new MalformedMessageException("envelope 'headers' is not an object");
    }
    byte[] body;
    String bodyEncoding = propertiesNode.path("body_encoding").asText("");
    if (bodyEncoding.equals("base64")) {
      try {
        body = Base64.getDecoder().decode(bodyNode.textValue());
      } catch (IllegalArgumentException e) {
        throw new MalformedMessageException("body is marked base64 but is not: " + e.getMessage(), e);
      }
    } else {
      body = bodyNode.textValue().getBytes(StandardCharsets.UTF_8);
    }
    Map<String, Object> headers = headersNode.isObject() ? toMap(headersNode) : Map.of();
    Map<String, Object> properties = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = propertiesNode.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!TRANSPORT_PROPERTIES.contains(field.getKey())) {
        properties.put(field.getKey(), JsonValues.toJava(field.getValue()));
      }
    }
    JsonNode deliveryInfo = propertiesNode.path("delivery_info");
    TaskMessage message = new TaskMessage(headers, properties,
        text(root.get("content-type")), text(root.get("content-encoding")), body);
    return new Decoded(message, text(deliveryInfo.get("exchange")), text(deliveryInfo.get("routing_key")),
        text(propertiesNode.get("delivery_tag")));
  }

  private static Map<String, Object> toMap(JsonNode object) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      map.put(field.getKey(), JsonValues.toJava(field.getValue()));
    }
    return map;
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }
}
