package dev.celeriac.broker.redis;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The shared Redis of the machine (127.0.0.1:6379), database 13, which the runtime's tests own and
 * flush. A test that needs it fails loudly when it does not answer; it never skips.
 */
public final class TestRedis {

  public static final String HOST = "127.0.0.1";
  /**
   * 6379, or {@code CELERIAC_TEST_REDIS_PORT}: a second work tree runs its tests against its own
   * {@code redis-server} so that two runs never share a database.
   */
  public static final int PORT = Integer.parseInt(System.getenv().getOrDefault("CELERIAC_TEST_REDIS_PORT", "6379"));
  public static final int DATABASE = 13;
  public static final String URL = "redis://" + HOST + ":" + PORT + "/" + DATABASE;

  private TestRedis() {}

  /** A direct connection to the test database, after checking Redis answers. */
  public static Jedis connect() {
    Jedis jedis = new Jedis(HOST, PORT);
    try {
      jedis.ping();
    } catch (JedisConnectionException e) {
      jedis.close();
      throw new AssertionError("Redis is not answering on " + HOST + ":" + PORT
          + " (run bin/services to start it): " + e.getMessage(), e);
    }
    jedis.select(DATABASE);
    return jedis;
  }

  /** Empties the test database. */
  public static void flush() {
    try (Jedis jedis = connect()) {
      jedis.flushDB();
    }
  }
}
