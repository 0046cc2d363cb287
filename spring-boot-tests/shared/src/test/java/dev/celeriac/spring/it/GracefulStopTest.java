package dev.celeriac.spring.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import redis.clients.jedis.Jedis;

/**
 * Closing the context stops the worker with its own graceful semantics while a task is in flight: the prefetched,
 * unstarted message goes back to its queue at once, the close waits for the running task, and that task finishes
 * and is acknowledged.
 */
@Tag("redis")
class GracefulStopTest {

  private static final Duration WITHIN = Duration.ofSeconds(30);

  @BeforeEach
  void emptyDatabase() {
    TestBrokers.flushRedis();
  }

  @Test
  void closingTheContextReturnsUnstartedMessagesAndWaitsForTheRunningTask() throws InterruptedException {
    ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class).run(
        "--celeriac.broker-url=" + TestBrokers.REDIS_URL,
        "--celeriac.worker.enabled=true",
        "--celeriac.worker.queues=spring-it-slow",
        "--celeriac.worker.concurrency=1",
        "--celeriac.worker.prefetch=4",
        "--celeriac.worker.shutdown-timeout=2m");
    Outbox outbox = context.getBean(Outbox.class);
    ReportService reports = context.getBean(ReportService.class);
    Thread closer = new Thread(context::close, "context-closer");
    try (Jedis redis = TestBrokers.redis()) {
      ReportTask.enqueue("a");
      ReportTask.enqueue("b");
      await().atMost(WITHIN).until(() -> outbox.texts().contains("report a started"));
      // b waits in the worker's window, fetched but not started: the one slot runs a.
      await().atMost(WITHIN).until(() -> redis.llen("spring-it-slow") == 0);

      closer.start();
      await().atMost(WITHIN).until(() -> redis.llen("spring-it-slow") == 1);
      // b went back at once; the close still waits for a, which only the test can end.
      assertTrue(closer.isAlive(), "the context closed with a task in flight");
      assertEquals(List.of("report a started"), outbox.texts());

      reports.release();
      closer.join(WITHIN.toMillis());
      assertFalse(closer.isAlive(), "the close did not return once the task finished");
      assertEquals(List.of("report a started", "report a finished"), outbox.texts());
      assertEquals(1, redis.llen("spring-it-slow"), "b is back on its queue, unrun");
      assertEquals(0, redis.hlen("unacked"), "a was acknowledged");
    } finally {
      reports.release();
      if (!closer.isAlive() && context.isActive()) {
        context.close();
      }
    }
  }
}
