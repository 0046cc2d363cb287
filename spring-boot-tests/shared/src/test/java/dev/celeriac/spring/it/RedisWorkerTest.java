package dev.celeriac.spring.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The worker on the shared Redis. */
@Tag("redis")
class RedisWorkerTest extends WorkerTestBase {

  @BeforeAll
  static void emptyDatabase() {
    TestBrokers.flushRedis();
  }

  @DynamicPropertySource
  static void broker(DynamicPropertyRegistry properties) {
    properties.add("celeriac.broker-url", () -> TestBrokers.REDIS_URL);
  }
}
