package dev.celeriac.broker.redis;

import static dev.celeriac.broker.redis.RedisKeys.bytes;

import dev.celeriac.broker.DeadLetter;
import dev.celeriac.broker.DeadLetterStore;
import dev.celeriac.protocol.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;

/** Dead letters as lists {@code celeriac:dead:<queue>} of {@code <json header>\n<original envelope>}. */
final class RedisDeadLetters implements DeadLetterStore {

  private static final LuaScript REQUEUE_DEAD = LuaScript.load("requeue_dead");

  private final UnifiedJedis redis;
  private final RedisCalls calls;

  RedisDeadLetters(UnifiedJedis redis, RedisCalls calls) {
    this.redis = redis;
    this.calls = calls;
  }

  @Override
  public List<DeadLetter> list(String queue, int limit) {
    return calls.once("list the dead letters of " + queue, () -> {
      List<DeadLetter> letters = new ArrayList<>();
      for (byte[] entry : redis.lrange(bytes(RedisKeys.dead(queue)), 0, limit - 1L)) {
        letters.add(parse(queue, entry));
      }
      return letters;
    });
  }

  @Override
  public long count(String queue) {
    return calls.once("count the dead letters of " + queue, () -> {
      return redis.llen(bytes(RedisKeys.dead(queue)));
    });
  }

  @Override
  public long requeue(String queue) {
    return calls.once("requeue the dead letters of " + queue, () -> {
      return (Long) REQUEUE_DEAD.run(redis, List.of(bytes(RedisKeys.dead(queue))), List.of(bytes(queue)));
    });
  }

  @Override
  public long purge(String queue) {
    return calls.once("purge the dead letters of " + queue, () -> {
      byte[] key = bytes(RedisKeys.dead(queue));
      long count = redis.llen(key);
      redis.del(key);
      return count;
    });
  }

  /** The stored form of a dead letter: a one-line JSON header, a newline, then the envelope unchanged. */
  static byte[] entry(String queue, String reason, Instant at, byte[] envelope) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("queue", queue);
    header.put("reason", reason);
    header.put("dead_at", at.toString());
    byte[] head = Json.write(header);
    byte[] entry = Arrays.copyOf(head, head.length + 1 + envelope.length);
    entry[head.length] = '\n';
    System.arraycopy(envelope, 0, entry, head.length + 1, envelope.length);
    return entry;
  }

  static DeadLetter parse(String queue, byte[] entry) {
    int newline = 0;
    while (newline < entry.length && entry[newline] != '\n') {
      newline++;
    }
    byte[] envelope = Arrays.copyOfRange(entry, Math.min(newline + 1, entry.length), entry.length);
    try {
      Map<?, ?> header = (Map<?, ?>) Json.read(Arrays.copyOf(entry, newline));
      return new DeadLetter(queue, String.valueOf(header.get("reason")), Instant.parse((String) header.get("dead_at")),
          envelope);
    } catch (RuntimeException e) {
      return new DeadLetter(queue, "(unreadable dead-letter header)", Instant.EPOCH, envelope);
    }
  }
}
