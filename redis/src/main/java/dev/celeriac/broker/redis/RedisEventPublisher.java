package dev.celeriac.broker.redis;

import static dev.celeriac.broker.redis.RedisKeys.bytes;

import dev.celeriac.broker.BrokerException;
import dev.celeriac.broker.EventPublisher;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/** Celery events on Redis: {@code PUBLISH /<db>.celeryev/<routing key>} of a kombu envelope, as kombu's fanout. */
final class RedisEventPublisher implements EventPublisher {

  /** Events are transient. */
  private static final int TRANSIENT = 1;

  private final UnifiedJedis redis;
  private final int database;
  private final RedisEndpoint url;

  RedisEventPublisher(UnifiedJedis redis, int database, RedisEndpoint url) {
    this.redis = redis;
    this.database = database;
    this.url = url;
  }

  /** One pipeline: a worker sends its task events in bursts. */
  @Override
  public void publishAll(String routingKey, List<byte[]> bodies, String hostname) {
    byte[] channel = bytes(RedisFleetKeys.events(database, routingKey));
    Map<String, Object> headers = Map.of("hostname", hostname);
    try (Pipeline pipeline = RedisClients.pipeline(redis)) {
      for (byte[] body : bodies) {
        pipeline.publish(channel, RedisFleetKeys.envelope(EXCHANGE, routingKey, body, headers, TRANSIENT));
      }
      pipeline.sync();
    } catch (JedisException e) {
      throw new BrokerException("could not publish events on " + url + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void publish(String routingKey, byte[] body, String hostname) {
    byte[] envelope = RedisFleetKeys.envelope(EXCHANGE, routingKey, body, Map.of("hostname", hostname), TRANSIENT);
    try {
      redis.publish(bytes(RedisFleetKeys.events(database, routingKey)), envelope);
    } catch (JedisException e) {
      throw new BrokerException("could not publish an event on " + url + ": " + e.getMessage(), e);
    }
  }
}
