package dev.celeriac.spring.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.spring.boot.CeleriacWorkerLifecycle;
import dev.celeriac.testsupport.PrivateRedis;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Actuator's {@code celeriac} health: up while the broker answers and the worker runs; down when the worker stopped
 * or the broker went away. The broker is a redis-server of the test's own, which it kills.
 */
@Tag("redis")
class HealthIndicatorTest {

  @Test
  void upWhileBrokerAndWorkerRunDownWhenEitherStops() throws Exception {
    try (PrivateRedis redis = PrivateRedis.start();
        ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class).run(
            "--celeriac.broker-url=" + redis.url(),
            "--celeriac.worker.enabled=true",
            "--celeriac.worker.queues=spring-it",
            "--celeriac.worker.concurrency=1",
            "--celeriac.worker.shutdown-timeout=1s")) {
      Map<String, Object> health = HealthProbe.celeriac(context);
      assertEquals("UP", health.get("status"), health.toString());
      assertEquals(Map.of("broker", redis.url(), "brokerReachable", true, "worker", "running",
          "queues", List.of("spring-it")), health.get("details"));

      CeleriacWorkerLifecycle worker = context.getBean(CeleriacWorkerLifecycle.class);
      worker.stop();
      health = HealthProbe.celeriac(context);
      assertEquals("DOWN", health.get("status"), health.toString());
      assertEquals("stopped", details(health).get("worker"));
      assertEquals(true, details(health).get("brokerReachable"));

      worker.start();
      assertEquals("UP", HealthProbe.celeriac(context).get("status"));

      redis.kill();
      health = HealthProbe.celeriac(context);
      assertEquals("DOWN", health.get("status"), health.toString());
      assertEquals(false, details(health).get("brokerReachable"));
      assertTrue(((String) details(health).get("brokerError")).startsWith("could not ping on " + redis.url()),
          health.toString());
    }
  }

  @Test
  void theIndicatorIsOffWhenManagementSaysSo() {
    try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class).run(
        "--celeriac.eager=true", "--management.health.celeriac.enabled=false")) {
      assertEquals(Map.of(), HealthProbe.celeriacIfRegistered(context));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> details(Map<String, Object> health) {
    return (Map<String, Object>) health.get("details");
  }
}
