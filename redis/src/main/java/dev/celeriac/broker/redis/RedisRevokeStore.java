package dev.celeriac.broker.redis;

import static dev.celeriac.broker.redis.RedisKeys.bytes;

import dev.celeriac.broker.BrokerException;
import dev.celeriac.broker.RevokeStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.resps.Tuple;

/**
 * Revoked ids in the sorted set {@code celeriac:revoked}, scored by when each stops being revoked (epoch ms):
 * saved with Redis's data, bounded like a worker's revoked set, expired entries dropped at every write.
 */
final class RedisRevokeStore implements RevokeStore {

  private static final LuaScript ADD = LuaScript.load("revoke_add");
  /** The most ids kept, as many as a Celery worker keeps in memory. */
  static final int MAX_SIZE = 50_000;

  private final UnifiedJedis redis;
  private final RedisEndpoint url;

  RedisRevokeStore(UnifiedJedis redis, RedisEndpoint url) {
    this.redis = redis;
    this.url = url;
  }

  @Override
  public void add(Collection<String> ids, Instant until) {
    if (ids.isEmpty()) {
      return;
    }
    List<byte[]> args = new ArrayList<>(ids.size() + 2);
    args.add(bytes(Long.toString(until.toEpochMilli())));
    args.add(bytes(Integer.toString(MAX_SIZE)));
    ids.forEach(id -> args.add(bytes(id)));
    try {
      ADD.run(redis, List.of(bytes(RedisFleetKeys.REVOKED)), args);
    } catch (JedisException e) {
      throw new BrokerException("could not store revoked task ids on " + url + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Map<String, Instant> load(Instant now) {
    try {
      Map<String, Instant> revoked = new LinkedHashMap<>();
      for (Tuple entry : redis.zrangeByScoreWithScores(RedisFleetKeys.REVOKED, "(" + now.toEpochMilli(), "+inf")) {
        revoked.put(entry.getElement(), Instant.ofEpochMilli((long) entry.getScore()));
      }
      return revoked;
    } catch (JedisException e) {
      throw new BrokerException("could not read the revoked task ids on " + url + ": " + e.getMessage(), e);
    }
  }
}
