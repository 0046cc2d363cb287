package dev.celeriac.broker.redis;

import dev.celeriac.broker.ControlMailbox;
import dev.celeriac.broker.EventPublisher;
import dev.celeriac.protocol.Ids;
import dev.celeriac.protocol.KombuEnvelope;
import dev.celeriac.protocol.TaskMessage;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * kombu's names for fanout exchanges and their bindings on Redis, and the envelope of a message published on a
 * named exchange. A fanout exchange is a pub/sub channel {@code /<db>.<exchange>[/<routing key>]}
 * ({@code keyprefix_fanout}, {@code fanout_patterns}); bindings are set members
 * {@code routing_key \x06\x16 pattern \x06\x16 queue} of {@code _kombu.binding.<exchange>}.
 */
final class RedisFleetKeys {

  /** Celeriac's sorted set of revoked ids, scored by expiry. */
  static final String REVOKED = "celeriac:revoked";

  private RedisFleetKeys() {}

  /** The channel a fanout publish to {@code exchange} with {@code routingKey} goes to. */
  static String channel(int database, String exchange, String routingKey) {
    return "/" + database + "." + exchange + (routingKey.isEmpty() ? "" : "/" + routingKey);
  }

  static String events(int database, String routingKey) {
    return channel(database, EventPublisher.EXCHANGE, routingKey);
  }

  static String pidbox(int database) {
    return channel(database, ControlMailbox.EXCHANGE, "");
  }

  /** A node's queue in the mailbox, {@code <node>.celery.pidbox}. */
  static String nodeQueue(String node) {
    return node + "." + ControlMailbox.EXCHANGE;
  }

  /** A client's reply queue, {@code <client id>.reply.celery.pidbox}. */
  static String replyQueue(String clientId) {
    return clientId + "." + ControlMailbox.REPLY_EXCHANGE;
  }

  static String bindingMember(String routingKey, String queue) {
    return routingKey + RedisKeys.PRIORITY_SEPARATOR + RedisKeys.PRIORITY_SEPARATOR + queue;
  }

  /** The kombu envelope of a JSON message published to {@code exchange} with these headers. */
  static byte[] envelope(String exchange, String routingKey, byte[] body, Map<String, Object> headers,
      int deliveryMode) {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("delivery_mode", deliveryMode);
    properties.put("priority", 0);
    TaskMessage message = new TaskMessage(headers, properties, TaskMessage.JSON, "utf-8", body);
    return KombuEnvelope.encode(message, exchange, routingKey, Ids.uuid());
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
