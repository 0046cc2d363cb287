package dev.celeriac.it.redis.robustness;

import static dev.celeriac.it.redis.robustness.RobustnessSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Canvas;
import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.Signature;
import dev.celeriac.it.TestRuns;
import dev.celeriac.it.WorkerProcess;
import dev.celeriac.it.amqp.ItRabbit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * Chords through a SIGKILL, on Redis and on RabbitMQ: worker JVMs run the header members of many chords (counted in Celery's keys in the
 * Redis result backend); the first is killed in the middle, its in-flight members return and run again on the
 * next. Every body must fire exactly once, with every member's result: a member that ran twice counts once, and
 * the body is neither lost nor sent twice.
 */
@Tag("redis")
@Tag("rabbitmq")
class ChordCrashTest {

  private static final String QUEUE = "chord-crash";
  private static final int CHORDS = 20;
  private static final int MEMBERS = 20;

  @Test
  void onRedisAKilledWorkerNeitherLosesNorDoubleFiresAChordBody() throws Exception {
    run("redis", RobustnessSupport.SHARED_BROKER);
  }

  @Test
  void onRabbitMqAKilledWorkerNeitherLosesNorDoubleFiresAChordBody() throws Exception {
    ItRabbit.reset(ItRabbit.ROBUST_VHOST);
    run("amqp", ItRabbit.url(ItRabbit.ROBUST_VHOST));
  }

  /** Chords on {@code brokerUrl}, counted in the Redis result backend (database 11), through a SIGKILL. */
  private static void run(String label, String brokerUrl) throws Exception {
    Path dir = TestRuns.runDir("chord-crash-" + label);
    try (JedisPooled redis = RobustnessSupport.flushedSharedDb();
        Celeriac app = Celeriac.create(CeleriacConfig.builder().brokerUrl(brokerUrl)
            .resultBackend(RobustnessSupport.SHARED_BROKER).build())) {
      for (int chord = 0; chord < CHORDS; chord++) {
        List<Signature<?>> header = new ArrayList<>();
        for (int member = 0; member < MEMBERS; member++) {
          header.add(MemberTask.signature(chord, member));
        }
        Canvas.chord(Canvas.group(header.toArray(Signature<?>[]::new)), BodyTask.signature(chord)).on(app).apply();
      }
      assertEquals(CHORDS * MEMBERS, app.broker().stats(QUEUE).ready());

      String classPath = TestRuns.snapshotClassPath(dir);
      Path conf = TestRuns.writeConf(dir, "worker.properties", Map.of("worker.heartbeat-timeout-seconds", "2",
          "result.backend", RobustnessSupport.SHARED_BROKER));
      String[] args = {"-Q", QUEUE, "-c", "4", "--broker", brokerUrl};
      List<WorkerProcess> workers = new ArrayList<>();
      int exit;
      long ranAtKill;
      try {
        WorkerProcess first = WorkerProcess.start(dir, "worker-1", classPath, conf, args)
            .awaitConsuming(Duration.ofSeconds(30));
        workers.add(first);
        await("members of the first chords to run", Duration.ofSeconds(60),
            () -> redis.hlen(ChordCrashTasks.MEMBER_RUNS) >= CHORDS * MEMBERS * 2 / 5, () -> state(redis));
        exit = first.killHard();
        ranAtKill = redis.hlen(ChordCrashTasks.MEMBER_RUNS);
        WorkerProcess second = WorkerProcess.start(dir, "worker-2", classPath, conf, args)
            .awaitConsuming(Duration.ofSeconds(30));
        workers.add(second);
        await("every body to run", Duration.ofMinutes(2),
            () -> redis.hlen(ChordCrashTasks.BODY_RUNS) == CHORDS && app.broker().stats(QUEUE).ready() == 0
                && app.broker().stats(QUEUE).inFlight() == 0,
            () -> state(redis) + ", broker " + app.broker().stats(QUEUE) + "\n" + TestRuns.tail(second.log, 20));
        // A second firing would show up within this grace period.
        RobustnessSupport.sleep(Duration.ofSeconds(2));
      } finally {
        for (WorkerProcess worker : workers) {
          worker.close();
        }
      }
      assertEquals(137, exit, "SIGKILL");
      Map<String, String> memberRuns = redis.hgetAll(ChordCrashTasks.MEMBER_RUNS);
      assertEquals(CHORDS * MEMBERS, memberRuns.size(), "every member ran");
      long twice = memberRuns.values().stream().filter(count -> Integer.parseInt(count) > 1).count();
      Map<String, String> bodyRuns = redis.hgetAll(ChordCrashTasks.BODY_RUNS);
      for (int chord = 0; chord < CHORDS; chord++) {
        assertEquals("1", bodyRuns.get(Integer.toString(chord)), "chord " + chord + "'s body ran exactly once");
        assertEquals(Integer.toString(MEMBERS), redis.hget(ChordCrashTasks.BODY_RESULTS, Integer.toString(chord)),
            "chord " + chord + "'s body got every member's result");
      }
      assertEquals(0, app.broker().deadLetters().count(QUEUE), "nothing dead-lettered");
      assertTrue(ranAtKill < CHORDS * MEMBERS, "the kill came in the middle of the headers");
      System.out.printf("chord crash on " + label + ": %d chords of %d members, SIGKILL after %d member runs; %d members ran twice,"
          + " every body exactly once%n", CHORDS, MEMBERS, ranAtKill, twice);
    }
  }

  private static String state(JedisPooled redis) {
    return "members ran " + redis.hlen(ChordCrashTasks.MEMBER_RUNS) + ", bodies ran " + redis.hgetAll(
        ChordCrashTasks.BODY_RUNS) + ", queued " + redis.llen(QUEUE) + ", unacked " + redis.hlen("unacked")
        + ", dead " + redis.llen("celeriac:dead:" + QUEUE);
  }
}
