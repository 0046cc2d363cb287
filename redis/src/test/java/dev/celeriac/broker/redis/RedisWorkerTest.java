package dev.celeriac.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.celeriac.Batch;
import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.fixtures.AddTask;
import dev.celeriac.fixtures.MathTasks;
import dev.celeriac.testsupport.Waits;
import dev.celeriac.worker.Outcome;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Stubs, batches and a worker on the real Redis. */
@Tag("redis")
class RedisWorkerTest {

  @BeforeAll
  static void flush() {
    TestRedis.flush();
  }

  @Test
  void batchEnqueueAndWorkerDrainLeaveNothingBehind() throws Exception {
    MathTasks.RUNS.clear();
    try (Celeriac app = Celeriac.create(CeleriacConfig.builder().brokerUrl(TestRedis.URL).build())) {
      try (Batch batch = app.batch()) {
        for (int i = 0; i < 2000; i++) {
          AddTask.with().in(batch).enqueue(i, 1);
        }
        assertEquals(2000, batch.size());
      }
      Worker worker = app.worker(WorkerOptions.builder().queues(List.of("math")).concurrency(2).build()).start();
      Waits.await("2000 tasks to succeed", Duration.ofSeconds(30), () -> worker.count(Outcome.SUCCEEDED) >= 2000,
          () -> "succeeded " + worker.count(Outcome.SUCCEEDED));
      worker.stop();

      assertEquals(2000, worker.count(Outcome.SUCCEEDED));
      assertEquals(2000, MathTasks.RUNS.stream().distinct().count());
    }
    try (Jedis jedis = TestRedis.connect()) {
      assertEquals(0, jedis.llen("math"));
      assertEquals(0, jedis.hlen("unacked"));
      assertEquals(0, jedis.zcard("unacked_index"));
      assertEquals(0, jedis.zcard("celeriac:workers"));
    }
  }
}
