package dev.celeriac.it.redis.interop;

import dev.celeriac.it.interop.FleetScenarios;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import redis.clients.jedis.Jedis;

/** {@link FleetScenarios} on Redis, database 11: kombu's fanout over PUBLISH and its pidbox lists. */
@Tag("redis")
class RedisFleetTest extends FleetScenarios {

  private static final int DB = 11;
  private static final String URL = "redis://127.0.0.1:" + InteropSupport.PORT + "/" + DB;

  @BeforeAll
  static void requireRedisAndPythonCelery() {
    InteropSupport.requireRedis();
    InteropSupport.requirePythonCelery();
  }

  @Override
  protected String brokerUrl() {
    return URL;
  }

  @Override
  protected void resetBroker() {
    try (Jedis redis = new Jedis("127.0.0.1", InteropSupport.PORT, 5000)) {
      redis.select(DB);
      redis.flushDB();
    }
  }
}
