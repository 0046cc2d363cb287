package dev.celeriac.broker.amqp;

import com.rabbitmq.client.AMQP;
import dev.celeriac.protocol.MalformedMessageException;
import dev.celeriac.protocol.TaskMessage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link TaskMessage} as AMQP properties and body, and back (docs/wire-format.md §1.2, §4.2): content type and encoding,
 * the protocol headers as the header table, {@code delivery_mode} 2, {@code priority}, {@code correlation_id}
 * (the task id), {@code reply_to}, and for a message with {@code expires} the broker TTL {@code expiration}
 * in milliseconds, as kombu writes Celery's. The body travels as is, never base64.
 */
final class AmqpMessages {

  /** Persistent: the message survives a broker restart. */
  static final int PERSISTENT = 2;

  private AmqpMessages() {}

  static AMQP.BasicProperties properties(TaskMessage message) {
    Map<String, Object> properties = message.properties();
    Object priority = properties.get("priority");
    Object correlationId = properties.get("correlation_id");
    Object replyTo = properties.get("reply_to");
    Object expiration = properties.get("expiration");
    return new AMQP.BasicProperties.Builder()
        .contentType(message.contentType())
        .contentEncoding(message.contentEncoding())
        .headers(AmqpHeaders.toTable(message.headers()))
        .deliveryMode(PERSISTENT)
        .priority(priority instanceof Number number ? number.intValue() : 0)
        .correlationId(correlationId != null ? correlationId.toString() : message.id())
        .replyTo(replyTo != null ? replyTo.toString() : null)
        .expiration(expiration != null ? expiration.toString() : null)
        .build();
  }

  /**
   * The task message of a delivery. RabbitMQ's own dead-lettering headers ({@code x-death} and its kin,
   * added by the delay queues) are left out: they describe the trip, not the task.
   *
   * @throws MalformedMessageException when the header table could not be read (see {@link ContentHeaderFrames})
   */
  static TaskMessage fromAmqp(AMQP.BasicProperties amqp, byte[] body) {
    if (amqp.getHeaders() != null && amqp.getHeaders().get(ContentHeaderFrames.UNREADABLE_HEADER) != null) {
      throw new MalformedMessageException("its header table can't be read: "
          + amqp.getHeaders().get(ContentHeaderFrames.UNREADABLE_HEADER));
    }
    Map<String, Object> headers = AmqpHeaders.fromTable(amqp.getHeaders());
    headers.keySet().removeIf(AmqpMessages::isTransportHeader);
    Map<String, Object> properties = new LinkedHashMap<>();
    if (amqp.getCorrelationId() != null) {
      properties.put("correlation_id", amqp.getCorrelationId());
    }
    if (amqp.getReplyTo() != null) {
      properties.put("reply_to", amqp.getReplyTo());
    }
    properties.put("delivery_mode", amqp.getDeliveryMode() != null ? amqp.getDeliveryMode() : PERSISTENT);
    properties.put("priority", amqp.getPriority() != null ? amqp.getPriority() : 0);
    return new TaskMessage(headers, properties, amqp.getContentType(), amqp.getContentEncoding(), body);
  }

  /**
   * Headers that RabbitMQ or Celeriac's dead-letter queue add, not the task: dead-lettering records, and a quorum
   * queue's count of earlier deliveries.
   */
  static boolean isTransportHeader(String name) {
    return name.startsWith("x-death") || name.startsWith("x-first-death") || name.startsWith("x-last-death")
        || name.equals("x-delivery-count") || name.startsWith(AmqpBroker.DEAD_HEADER_PREFIX);
  }
}
