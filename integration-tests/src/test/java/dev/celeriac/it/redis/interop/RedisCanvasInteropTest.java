package dev.celeriac.it.redis.interop;

import dev.celeriac.it.interop.CanvasInteropScenarios;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** {@link CanvasInteropScenarios} on a Redis broker (db 12 of the test Redis). */
@Tag("redis")
class RedisCanvasInteropTest extends CanvasInteropScenarios {

  @BeforeAll
  static void start() {
    InteropSupport.requireRedis();
    try (var redis = InteropSupport.redis()) {
      redis.flushDB();
    }
    startWorkers(InteropSupport.BROKER_URL, "redis");
  }
}
