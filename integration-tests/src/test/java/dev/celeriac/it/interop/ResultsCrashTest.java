package dev.celeriac.it.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Batch;
import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.TaskRef;
import dev.celeriac.it.TestRuns;
import dev.celeriac.it.WorkerProcess;
import dev.celeriac.result.TaskState;
import dev.celeriac.testsupport.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A worker SIGKILLed while it runs and stores results loses no result: the messages it held come back (their acks
 * were never sent, since a worker acks only once the result is stored) and the replacement stores every one.
 */
@Tag("redis")
class ResultsCrashTest {

  static final int TASKS = 3000;
  static final int PORT = Integer.parseInt(System.getenv().getOrDefault("CELERIAC_TEST_REDIS_PORT", "6379"));
  static final String BROKER = "redis://127.0.0.1:" + PORT + "/8";
  static final String BACKEND = "redis://127.0.0.1:" + PORT + "/7";

  @Test
  void aWorkerKilledBetweenRunAndStoreLosesNoResult() throws Exception {
    try (Jedis redis = new Jedis("127.0.0.1", PORT)) {
      redis.select(8);
      redis.flushDB();
      redis.select(7);
      redis.flushDB();
    }
    Path dir = TestRuns.runDir("results-crash");
    try (Celeriac app = Celeriac.create(CeleriacConfig.builder().brokerUrl(BROKER).resultBackend(BACKEND).build())) {
      List<TaskRef<Long>> refs = new ArrayList<>();
      try (Batch batch = app.batch()) {
        for (int i = 0; i < TASKS; i++) {
          refs.add(CrashDoubleTask.with().on(app).in(batch).enqueue(i));
        }
      }
      String classPath = TestRuns.snapshotClassPath(dir);
      Path conf = TestRuns.writeConf(dir, "worker.properties", Map.of("worker.heartbeat-timeout-seconds", "2"));
      String[] args = {"-Q", "results-crash", "-c", "2", "--prefetch", "32", "--broker", BROKER,
          "--result-backend", BACKEND};
      try (WorkerProcess first = WorkerProcess.start(dir, "worker-1", classPath, conf, args)
          .awaitConsuming(Duration.ofSeconds(30))) {
        Waits.await("a quarter of the results stored", Duration.ofSeconds(60), () -> storedCount() >= TASKS / 4,
            () -> storedCount() + " stored");
        assertEquals(137, first.killHard(), "SIGKILL");
      }
      long atKill = storedCount();
      assertTrue(atKill < TASKS, "killed mid-drain: " + atKill + " stored");
      try (WorkerProcess second = WorkerProcess.start(dir, "worker-2", classPath, conf, args)
          .awaitConsuming(Duration.ofSeconds(30))) {
        for (int i = 0; i < TASKS; i++) {
          assertEquals(2L * i, refs.get(i).get(Duration.ofSeconds(60)), "task " + i);
          assertEquals(TaskState.SUCCESS, refs.get(i).state());
        }
        second.stopGracefully(Duration.ofSeconds(30));
      }
      System.out.printf("results crash test: %d tasks, killed at %d results stored, every result stored after"
          + " the replacement drained%n", TASKS, atKill);
    }
  }

  private static long storedCount() {
    try (Jedis redis = new Jedis("127.0.0.1", PORT)) {
      redis.select(7);
      return redis.dbSize();
    }
  }
}
