package dev.celeriac.it.redis.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.broker.redis.RedisSettings;
import dev.celeriac.it.TestRuns;
import dev.celeriac.testsupport.PrivateRedis;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * A restarted Redis answers every write with LOADING until it has read its append-only file back. An
 * enqueue it refused that way was not stored, so it must wait the loading out like an outage rather than
 * return as if Redis had taken it: the pipelined {@code LPUSH} used to ignore the error reply, and
 * {@link BrokerRestartTest} lost an acknowledged enqueue or two at about every fourth restart.
 */
@Tag("redis")
class EnqueueWhileRedisLoadsTest {

  private static final String QUEUE = "restart";
  private static final int FILLER_KEYS = 20_000;

  @Test
  void anEnqueueWhileRedisLoadsWaitsUntilRedisStoresIt() throws Exception {
    Path dir = TestRuns.runDir("enqueue-while-loading");
    try (PrivateRedis redis = RobustnessSupport.persistentRedis(dir)) {
      try (Jedis jedis = new Jedis("127.0.0.1", redis.port()); Pipeline pipeline = jedis.pipelined()) {
        for (int i = 0; i < FILLER_KEYS; i++) {
          pipeline.set("filler:" + i, "x");
        }
        pipeline.sync();
      }
      redis.stop();
      // About 0.2 ms a key: seconds of LOADING, far longer than the enqueue takes to reach Redis.
      redis.restartLoadingSlowly(100);

      RedisSettings settings = RedisSettings.defaults().withUnreachableTimeout(Duration.ofSeconds(60));
      CeleriacConfig config = CeleriacConfig.builder().brokerUrl(redis.url()).brokerSettings(settings).build();
      try (Celeriac app = Celeriac.create(config)) {
        RestartRunTask.with().on(app).enqueue(1L);
      }

      redis.awaitLoaded();
      try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
        assertEquals(1, jedis.llen(QUEUE), "the enqueue returned normally, so Redis must hold its message");
      }
    }
  }
}
