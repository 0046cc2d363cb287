package dev.celeriac.spring.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.spring.boot.CeleriacCronLifecycle;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code celeriac.cron.enabled=true}: the application fires its {@code @Periodic} tasks as {@code run cron} does,
 * counts them in the context's registry, and stops firing when the context closes.
 */
@Tag("redis")
class CronTest {

  @BeforeEach
  void emptyDatabase() {
    TestBrokers.flushRedis();
  }

  @Test
  void theCronFiresThePeriodicTaskWhichTheWorkerRunsOnTheBean() {
    CeleriacCronLifecycle cron;
    try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class).run(
        "--celeriac.broker-url=" + TestBrokers.REDIS_URL,
        "--celeriac.cron.enabled=true",
        "--celeriac.worker.enabled=true",
        "--celeriac.worker.queues=spring-it-cron")) {
      Outbox outbox = context.getBean(Outbox.class);
      await().atMost(Duration.ofSeconds(30)).until(() -> outbox.texts().contains("digest"));
      assertSame(context.getBean(DigestService.class), outbox.find("digest").on());
      // At least: a minute may turn between the first slot and this line.
      double fired = context.getBean(MeterRegistry.class).get("celeriac.cron.fired").tags("task", "spring.it.digest")
          .counter().count();
      assertTrue(fired >= 1.0, "celeriac.cron.fired " + fired);
      cron = context.getBean(CeleriacCronLifecycle.class);
    }
    assertFalse(cron.isRunning());
  }
}
