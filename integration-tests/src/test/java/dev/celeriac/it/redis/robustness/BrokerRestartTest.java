package dev.celeriac.it.redis.robustness;

import static dev.celeriac.it.redis.robustness.RobustnessSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.broker.redis.RedisSettings;
import dev.celeriac.it.TestRuns;
import dev.celeriac.testsupport.PrivateRedis;
import dev.celeriac.worker.Outcome;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Redis stopped (SIGTERM) and started again under load, with an fsync-always append-only file: a
 * producer and a worker in this JVM ride out the outage by themselves, and every enqueue that returned
 * normally (the broker acknowledged it) runs at least once. Enqueues that threw were not acknowledged
 * and are not owed a run.
 *
 * <p>Two things go wrong at such a restart, and this test used to fail intermittently on each. When Redis
 * goes down right after running a worker's fetch script, the reply is lost and the popped message stays in
 * flight under the live worker: its next fetch returns it to the queue ({@link LostFetchReplyTest}). While
 * the restarted Redis reads its append-only file back it refuses every write with LOADING: an enqueue
 * refused that way waits the loading out ({@link EnqueueWhileRedisLoadsTest}). An enqueue whose reply is
 * lost at the stop is retried and runs twice, which at-least-once allows.
 */
@Tag("redis")
class BrokerRestartTest {

  private static final String QUEUE = "restart";

  @Test
  void producerAndWorkerRideOutARedisRestartAndEveryAcknowledgedEnqueueRuns() throws Exception {
    long started = System.nanoTime();
    Path dir = TestRuns.runDir("broker-restart");
    RobustnessTasks.RESTART_RUNS.clear();
    // Longer than the outage plus Redis' start-up, so that an enqueue waits the restart out.
    RedisSettings settings = RedisSettings.defaults().withUnreachableTimeout(Duration.ofSeconds(20));

    Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    Map<Long, String> failed = new ConcurrentHashMap<>();
    AtomicLong longestEnqueueMillis = new AtomicLong();
    Map<Long, Long> slowEnqueueMillis = new ConcurrentHashMap<>();
    AtomicBoolean producing = new AtomicBoolean(true);
    AtomicLong failuresDuringOutage = new AtomicLong();
    AtomicBoolean outage = new AtomicBoolean();
    long outageMillis;
    long workerBackMillis;
    int restarts = 0;

    try (PrivateRedis redis = RobustnessSupport.persistentRedis(dir)) {
      CeleriacConfig config = CeleriacConfig.builder().brokerUrl(redis.url()).brokerSettings(settings).build();
      try (Celeriac producerApp = Celeriac.create(config); Celeriac workerApp = Celeriac.create(config)) {
        Worker worker = workerApp.worker(WorkerOptions.builder().queues(List.of(QUEUE)).concurrency(2)
            .shutdownTimeout(Duration.ofSeconds(10)).build()).start();
        Thread producer = new Thread(() -> {
          long seq = 0;
          while (producing.get()) {
            long t0 = System.nanoTime();
            try {
              RestartRunTask.with().on(producerApp).enqueue(seq);
              acknowledged.add(seq);
            } catch (RuntimeException e) {
              failed.put(seq, e.toString());
              if (outage.get()) {
                failuresDuringOutage.incrementAndGet();
              }
            }
            long took = (System.nanoTime() - t0) / 1_000_000;
            longestEnqueueMillis.accumulateAndGet(took, Math::max);
            if (took >= 100) {
              slowEnqueueMillis.put(seq, took);
            }
            seq++;
            RobustnessSupport.sleep(Duration.ofMillis(1));
          }
        }, "restart-test-producer");
        try {
          producer.start();
          await("the worker to run 500 tasks before the outage", Duration.ofSeconds(30),
              () -> runCount() >= 500, () -> "ran " + runCount());
          RobustnessSupport.sleep(Duration.ofSeconds(1));

          // The outage: SIGTERM, wait for the exit, stay down ~1.5 s, start again on the same port and dir.
          outage.set(true);
          long down = System.nanoTime();
          redis.stop();
          long ranWhenDown = runCount();
          RobustnessSupport.sleep(Duration.ofMillis(1500));
          redis.restart();
          restarts++;
          long up = System.nanoTime();
          outage.set(false);
          outageMillis = (up - down) / 1_000_000;
          await("the worker to run tasks again after the restart", Duration.ofSeconds(30),
              () -> runCount() > ranWhenDown + 100, () -> "ran " + runCount() + "\n" + TestRuns.tail(redis.log(), 10));
          workerBackMillis = (System.nanoTime() - up) / 1_000_000;

          RobustnessSupport.sleep(Duration.ofSeconds(2));
        } finally {
          producing.set(false);
          producer.join(30_000);
        }
        await("every acknowledged enqueue to run", Duration.ofSeconds(30),
            () -> acknowledged.stream().allMatch(RobustnessTasks.RESTART_RUNS::containsKey),
            () -> acknowledged.stream().filter(s -> !RobustnessTasks.RESTART_RUNS.containsKey(s)).sorted().toList()
                + " acknowledged enqueues not run yet; in Redis " + leftovers(redis.port())
                + "; worker outcomes " + outcomes(worker));
        assertTrue(worker.stop(Duration.ofSeconds(10)), "worker stopped cleanly");
      }

      List<Long> neverRan = new ArrayList<>();
      for (long seq : acknowledged) {
        if (!RobustnessTasks.RESTART_RUNS.containsKey(seq)) {
          neverRan.add(seq);
        }
      }
      long ranCount = RobustnessTasks.RESTART_RUNS.size();
      long totalRuns = RobustnessTasks.RESTART_RUNS.values().stream().mapToLong(AtomicInteger::get).sum();
      long ranUnacknowledged = RobustnessTasks.RESTART_RUNS.keySet().stream().filter(s -> !acknowledged.contains(s)).count();
      // Which tasks ran twice, with how long their enqueue took (an enqueue that spanned the outage may
      // have pushed twice: its first LPUSH applied but the reply lost, then retried).
      Map<Long, String> duplicated = new TreeMap<>();
      RobustnessTasks.RESTART_RUNS.forEach((seq, count) -> {
        if (count.get() > 1) {
          duplicated.put(seq, count.get() + " runs, enqueue took "
              + slowEnqueueMillis.getOrDefault(seq, 0L) + (slowEnqueueMillis.containsKey(seq) ? " ms" : "<100 ms"));
        }
      });
      Map<String, Long> leftovers = leftovers(redis.port());
      System.out.printf("broker restart test: %d acknowledged enqueues, %d ran (%d runs, %d duplicates), %d never ran;"
              + " %d enqueues failed (%d during the outage), %d ran without an acknowledged enqueue%n",
          acknowledged.size(), ranCount, totalRuns, totalRuns - ranCount, neverRan.size(), failed.size(),
          failuresDuringOutage.get(), ranUnacknowledged);
      System.out.printf("broker restart test: %d restart, Redis down %d ms, worker running again %d ms after Redis"
              + " was back, longest enqueue %d ms, duplicated %s, left in Redis %s, %.1f s%n",
          restarts, outageMillis, workerBackMillis, longestEnqueueMillis.get(), duplicated, leftovers,
          (System.nanoTime() - started) / 1e9);

      assertEquals(List.of(), neverRan.subList(0, Math.min(20, neverRan.size())),
          neverRan.size() + " acknowledged enqueues never ran");
      assertTrue(acknowledged.size() > 1000, "enough load: " + acknowledged.size());
      for (Map.Entry<String, Long> left : leftovers.entrySet()) {
        assertEquals(0, left.getValue(), left.getKey() + " after the worker stopped");
      }
    }
  }

  /** What is still queued or in flight in the private Redis. */
  private static Map<String, Long> leftovers(int port) {
    Map<String, Long> left = new TreeMap<>();
    try (Jedis jedis = new Jedis("127.0.0.1", port)) {
      left.put("unacked", jedis.hlen("unacked"));
      left.put("unacked_index", jedis.zcard("unacked_index"));
      left.put(QUEUE, jedis.llen(QUEUE));
      for (String key : jedis.keys("celeriac:in-flight:*")) {
        left.put(key, jedis.hlen(key));
      }
    }
    return left;
  }

  private static Map<Outcome, Long> outcomes(Worker worker) {
    Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
    for (Outcome outcome : Outcome.values()) {
      counts.put(outcome, worker.count(outcome));
    }
    return counts;
  }

  private static long runCount() {
    return RobustnessTasks.RESTART_RUNS.size();
  }
}
