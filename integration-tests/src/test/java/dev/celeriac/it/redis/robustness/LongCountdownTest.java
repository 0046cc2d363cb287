package dev.celeriac.it.redis.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.broker.redis.RedisBroker;
import dev.celeriac.broker.redis.RedisSettings;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.resps.Tuple;

/**
 * A countdown four times the visibility timeout runs exactly once, at or after its eta, with two workers
 * sweeping the shared {@code unacked} structures the whole time.
 *
 * <p>Celery on Redis cannot do this (docs/wire-format.md §3.4, the documented "visibility timeout" caveat): the
 * worker that received the message keeps it in kombu's {@code unacked} until it has run it at the eta, so
 * once the visibility timeout has passed, any worker's {@code restore_visible} sweep puts it back on the
 * queue while the first worker still holds it; with {@code visibility_timeout=5} and {@code countdown=15}
 * the task was restored twice and executed three times. Here the worker parks an early message in
 * {@code celeriac:delayed:<queue>} and acks it in the same atomic step, so nothing sits in {@code unacked}
 * for a sweep to restore, and the due message is promoted back by exactly one worker.
 */
@Tag("redis")
class LongCountdownTest {

  private static final String QUEUE = "countdown";
  private static final Duration VISIBILITY = Duration.ofSeconds(2);
  private static final Duration COUNTDOWN = Duration.ofSeconds(8);

  @Test
  void countdownFarBeyondTheVisibilityTimeoutRunsExactlyOnceAtItsEta() throws Exception {
    long started = System.nanoTime();
    RobustnessTasks.COUNTDOWN_RUNS.clear();
    RedisSettings settings = RedisSettings.defaults().withVisibilityTimeout(VISIBILITY)
        .withHeartbeatTimeout(Duration.ofSeconds(2));
    CeleriacConfig config =
        CeleriacConfig.builder().brokerUrl(RobustnessSupport.SHARED_BROKER).brokerSettings(settings).build();
    WorkerOptions options = WorkerOptions.builder().queues(List.of(QUEUE)).concurrency(1)
        .shutdownTimeout(Duration.ofSeconds(5)).build();
    try (JedisPooled redis = RobustnessSupport.flushedSharedDb();
        Celeriac appA = Celeriac.create(config);
        Celeriac appB = Celeriac.create(config)) {
      List<Worker> workers = new ArrayList<>();
      try {
        workers.add(appA.worker(options).start());
        workers.add(appB.worker(options).start());
        RobustnessSupport.sleep(Duration.ofMillis(300));

        Instant before = Instant.now();
        CountdownRunTask.with().on(appA).countdown(COUNTDOWN).enqueue("eight seconds");

        // Wait past the eta by two more visibility timeouts, sweeping with both brokers all along.
        Long etaMillis = null;
        int samples = 0;
        int samplesInUnacked = 0;
        int sweeps = 0;
        Instant until = before.plus(COUNTDOWN).plus(VISIBILITY.multipliedBy(2));
        while (Instant.now().isBefore(until)) {
          for (Celeriac app : List.of(appA, appB)) {
            ((RedisBroker) app.broker()).maintain();
            sweeps++;
          }
          List<Tuple> parked = redis.zrangeWithScores("celeriac:delayed:" + QUEUE, 0, -1);
          if (!parked.isEmpty()) {
            etaMillis = (long) parked.get(0).getScore();
          }
          // While it waits for its eta (parked, and not yet due) nothing may be in unacked.
          if (etaMillis != null && System.currentTimeMillis() < etaMillis - 100) {
            samples++;
            if (redis.hlen("unacked") > 0) {
              samplesInUnacked++;
            }
          }
          RobustnessSupport.sleep(Duration.ofMillis(250));
        }

        List<Instant> runs = List.copyOf(RobustnessTasks.COUNTDOWN_RUNS);
        System.out.printf("long countdown test: countdown %d s, visibility timeout %d s, 2 workers, %d sweeps by"
                + " maintain() plus heartbeats; ran %d time(s), %s after the eta; in unacked while waiting in %d of %d samples;"
                + " %.1f s%n",
            COUNTDOWN.toSeconds(), VISIBILITY.toSeconds(), sweeps, runs.size(),
            runs.isEmpty() || etaMillis == null ? "-" : (runs.get(0).toEpochMilli() - etaMillis) + " ms",
            samplesInUnacked, samples, (System.nanoTime() - started) / 1e9);

        assertNotNull(etaMillis, "the early message was parked in celeriac:delayed:" + QUEUE);
        assertTrue(etaMillis >= before.plus(COUNTDOWN).toEpochMilli(), "parked with its eta");
        assertEquals(1, runs.size(), "runs: " + runs);
        assertTrue(runs.get(0).toEpochMilli() >= etaMillis,
            "ran at " + runs.get(0) + ", before its eta " + Instant.ofEpochMilli(etaMillis));
        assertEquals(0, samplesInUnacked, "the parked message sat in unacked, where a sweep can restore it");
        assertEquals(0, redis.hlen("unacked"), "unacked");
        assertEquals(0, redis.zcard("unacked_index"), "unacked_index");
        assertEquals(0, redis.zcard("celeriac:delayed:" + QUEUE), "delayed");
        assertEquals(0, redis.llen(QUEUE), "queue");
      } finally {
        for (Worker worker : workers) {
          worker.stop(Duration.ofSeconds(5));
        }
      }
    }
  }
}
