package dev.celeriac.it.redis.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.broker.redis.RedisSettings;
import dev.celeriac.it.TestRuns;
import dev.celeriac.it.WorkerProcess;
import dev.celeriac.testsupport.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;

/**
 * Redis behind Sentinel loses its master to SIGKILL under load: a master, two replicas and three Sentinels (down
 * after 1 s), two producer threads in this JVM and a {@code run worker} JVM, all on kombu's {@code sentinel://}
 * URL with {@code redis.min-replica-acks=1}. The Sentinels promote a replica; producers and worker follow it by
 * themselves. Every enqueue that returned normally was on a replica when it returned, so it runs; messages the
 * worker held in flight on the old master come back through the usual recovery (a lost fetch reply, the ack
 * retried on the new master), at worst as a second run.
 */
@Tag("redis")
class SentinelFailoverTest {

  private static final String QUEUE = "sentinel";
  private static final int PRODUCERS = 2;
  /** In the worker's log when it returned messages a fetch left in flight on the old master. */
  private static final Pattern RECLAIMED =
      Pattern.compile("Returned (\\d+) messages a lost fetch reply had left in flight");

  @Test
  void producersAndAWorkerFollowTheMasterThroughASigkillAndEveryAcknowledgedEnqueueRuns() throws Exception {
    long started = System.nanoTime();
    Path dir = TestRuns.runDir("sentinel-failover");
    Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
    AtomicLong longestEnqueueMillis = new AtomicLong();
    AtomicLong seq = new AtomicLong();
    AtomicBoolean producing = new AtomicBoolean(true);
    long failoverMillis;
    long workerBackMillis;
    int killExit;
    String workerLog;
    Map<String, Long> leftovers;

    try (JedisPooled runs = SentinelTasks.flushedRunsDb();
        SentinelCluster cluster = SentinelCluster.start(dir, 2, 3)) {
      // The URL as a Celery deployment writes it; the master's name comes from configuration, as Celery's from
      // broker_transport_options.
      String url = cluster.url(0);
      RedisSettings settings = RedisSettings.defaults().withSentinelMasterName(SentinelCluster.MASTER_NAME)
          .withMinReplicaAcks(1).withUnreachableTimeout(Duration.ofSeconds(20));
      Path conf = TestRuns.writeConf(dir, "worker.properties", Map.of(
          "redis.sentinel.master-name", SentinelCluster.MASTER_NAME, "redis.min-replica-acks", "1"));
      String classPath = TestRuns.snapshotClassPath(dir);

      List<Thread> producers = new ArrayList<>();
      try (Celeriac producerApp =
              Celeriac.create(CeleriacConfig.builder().brokerUrl(url).brokerSettings(settings).build());
          WorkerProcess worker = WorkerProcess.start(dir, "worker", classPath, conf, "-Q", QUEUE, "-c", "4",
              "--broker", url)) {
        worker.awaitConsuming(Duration.ofSeconds(60));
        for (int p = 0; p < PRODUCERS; p++) {
          Thread producer = new Thread(() -> {
            while (producing.get()) {
              long n = seq.getAndIncrement();
              long t0 = System.nanoTime();
              try {
                SentinelRunTask.with().on(producerApp).enqueue(n);
                acknowledged.add(n);
              } catch (RuntimeException e) {
                failures.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
              }
              longestEnqueueMillis.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
              Waits.sleep(Duration.ofMillis(1));
            }
          }, "sentinel-producer-" + p);
          producers.add(producer);
          producer.start();
        }
        try {
          Waits.await("the worker to run 500 tasks before the kill", Duration.ofSeconds(60),
              () -> runs.hlen(SentinelTasks.RUNS) >= 500, () -> "ran " + runs.hlen(SentinelTasks.RUNS)
                  + "\n" + TestRuns.tail(worker.log, 20));

          int oldMaster = cluster.masterPort();
          long killed = System.nanoTime();
          killExit = cluster.killMaster();
          cluster.awaitFailover(oldMaster, Duration.ofSeconds(60));
          long promoted = System.nanoTime();
          failoverMillis = (promoted - killed) / 1_000_000;
          long ranAtPromotion = runs.hlen(SentinelTasks.RUNS);
          Waits.await("the worker to run 200 more tasks on the promoted replica", Duration.ofSeconds(60),
              () -> runs.hlen(SentinelTasks.RUNS) >= ranAtPromotion + 200,
              () -> "ran " + runs.hlen(SentinelTasks.RUNS) + "\n" + TestRuns.tail(worker.log, 20));
          workerBackMillis = (System.nanoTime() - promoted) / 1_000_000;
          Waits.sleep(Duration.ofSeconds(2));
        } finally {
          producing.set(false);
          for (Thread producer : producers) {
            producer.join(60_000);
          }
        }
        Waits.await("every acknowledged enqueue to run", Duration.ofSeconds(60),
            () -> notRun(runs, acknowledged).isEmpty(),
            () -> notRun(runs, acknowledged) + " acknowledged enqueues not run yet\n" + TestRuns.tail(worker.log, 20));
        assertEquals(0, worker.stopGracefully(Duration.ofSeconds(30)), "the worker stops cleanly on SIGTERM");
        workerLog = worker.logText();
      }
      try (Jedis master = cluster.master(0)) {
        leftovers = leftovers(master);
      }

      Map<String, String> counts = runs.hgetAll(SentinelTasks.RUNS);
      long totalRuns = counts.values().stream().mapToLong(Long::parseLong).sum();
      long ranUnacknowledged = counts.keySet().stream().filter(n -> !acknowledged.contains(Long.parseLong(n))).count();
      long reclaimed = 0;
      Matcher m = RECLAIMED.matcher(workerLog);
      while (m.find()) {
        reclaimed += Long.parseLong(m.group(1));
      }
      List<Long> neverRan = notRun(runs, acknowledged);
      System.out.printf("sentinel failover test: %d acknowledged enqueues, %d ran (%d runs, %d duplicates), %d never"
              + " ran; failed enqueues %s, %d ran without an acknowledged enqueue%n",
          acknowledged.size(), counts.size(), totalRuns, totalRuns - counts.size(), neverRan.size(), failures,
          ranUnacknowledged);
      System.out.printf("sentinel failover test: master SIGKILLed (exit %d), replica promoted %d ms later (down-after"
              + " %d ms), worker running again %d ms after the promotion, longest enqueue %d ms, %d messages"
              + " reclaimed from lost fetch replies, left on the new master %s, %.1f s%n",
          killExit, failoverMillis, SentinelCluster.DOWN_AFTER.toMillis(), workerBackMillis,
          longestEnqueueMillis.get(), reclaimed, leftovers, (System.nanoTime() - started) / 1e9);

      assertEquals(137, killExit, "destroyForcibly is SIGKILL: exit value 128 + 9");
      assertEquals(List.of(), neverRan.subList(0, Math.min(20, neverRan.size())),
          neverRan.size() + " acknowledged enqueues never ran");
      assertTrue(acknowledged.size() > 1000, "enough load: " + acknowledged.size());
      assertTrue(workerBackMillis < 10_000, "the worker ran 200 tasks within 10 s of the promotion, took "
          + workerBackMillis + " ms");
      for (Map.Entry<String, Long> left : leftovers.entrySet()) {
        assertEquals(0, left.getValue(), left.getKey() + " after the worker stopped");
      }
    }
  }

  private static List<Long> notRun(JedisPooled runs, Set<Long> acknowledged) {
    Set<String> ran = runs.hkeys(SentinelTasks.RUNS);
    return acknowledged.stream().filter(n -> !ran.contains(Long.toString(n))).sorted().toList();
  }

  /** What is still queued or in flight on the promoted master. */
  private static Map<String, Long> leftovers(Jedis master) {
    Map<String, Long> left = new TreeMap<>();
    left.put("unacked", master.hlen("unacked"));
    left.put("unacked_index", master.zcard("unacked_index"));
    left.put(QUEUE, master.llen(QUEUE));
    for (String key : master.keys("celeriac:in-flight:*")) {
      left.put(key, master.hlen(key));
    }
    return left;
  }
}
