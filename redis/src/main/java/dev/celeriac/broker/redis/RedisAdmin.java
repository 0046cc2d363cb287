package dev.celeriac.broker.redis;

import static dev.celeriac.broker.redis.RedisKeys.bytes;

import dev.celeriac.broker.DeadLetterStore;
import dev.celeriac.broker.QueueAdministration;
import dev.celeriac.broker.QueueStats;
import dev.celeriac.protocol.Json;
import dev.celeriac.protocol.MalformedMessageException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * What operators do to the queues of {@link RedisBroker}: counts (including the memory the queue's keys take, since
 * all pending work must fit in Redis), the queues Celeriac and Celery declared, purging, the dead letters.
 */
final class RedisAdmin implements QueueAdministration {

  private final UnifiedJedis redis;
  private final RedisCalls calls;
  private final RedisDeadLetters deadLetters;

  RedisAdmin(UnifiedJedis redis, RedisCalls calls) {
    this.redis = redis;
    this.calls = calls;
    this.deadLetters = new RedisDeadLetters(redis, calls);
  }

  @Override
  public DeadLetterStore deadLetters() {
    return deadLetters;
  }

  @Override
  public QueueStats stats(String queue) {
    return calls.once("read the counts of " + queue, () -> {
      long ready = 0;
      long bytesUsed = 0;
      for (int step : RedisKeys.PRIORITY_STEPS) {
        byte[] key = bytes(RedisKeys.priorityKey(queue, step));
        ready += redis.llen(key);
        bytesUsed += memoryUsage(key);
      }
      byte[] delayedKey = bytes(RedisKeys.delayed(queue));
      byte[] deadKey = bytes(RedisKeys.dead(queue));
      bytesUsed += memoryUsage(delayedKey) + memoryUsage(deadKey);
      long inFlight = 0;
      for (byte[] entry : redis.hvals(RedisKeys.UNACKED)) {
        if (queue.equals(routingKeyOf(entry))) {
          inFlight++;
          bytesUsed += entry.length;
        }
      }
      return new QueueStats(queue, ready, inFlight, redis.zcard(delayedKey), redis.llen(deadKey), bytesUsed);
    });
  }

  @Override
  public Set<String> queueNames() {
    return calls.once("list the queues", () -> {
      Set<String> names = new TreeSet<>();
      for (byte[] queue : redis.smembers(RedisKeys.QUEUES)) {
        names.add(new String(queue, StandardCharsets.UTF_8));
      }
      String cursor = ScanParams.SCAN_POINTER_START;
      ScanParams pattern = new ScanParams().match("_kombu.binding.*").count(500);
      do {
        ScanResult<String> page = redis.scan(cursor, pattern);
        for (String key : page.getResult()) {
          String queue = key.substring("_kombu.binding.".length());
          if (!queue.endsWith(".pidbox") && !queue.startsWith("celery.pidbox") && !queue.contains("celeryev")) {
            names.add(queue);
          }
        }
        cursor = page.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
      return names;
    });
  }

  @Override
  public long purge(String queue) {
    return calls.once("purge " + queue, () -> {
      long removed = 0;
      for (int step : RedisKeys.PRIORITY_STEPS) {
        byte[] key = bytes(RedisKeys.priorityKey(queue, step));
        removed += redis.llen(key);
        redis.del(key);
      }
      return removed;
    });
  }

  private long memoryUsage(byte[] key) {
    Long used = redis.memoryUsage(key);
    return used == null ? 0 : used;
  }

  private static String routingKeyOf(byte[] unackedEntry) {
    try {
      return Json.read(unackedEntry) instanceof List<?> entry && entry.size() == 3 && entry.get(2) instanceof String key
          ? key : null;
    } catch (MalformedMessageException e) {
      return null;
    }
  }
}
