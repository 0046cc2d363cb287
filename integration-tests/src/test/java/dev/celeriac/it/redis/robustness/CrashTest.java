package dev.celeriac.it.redis.robustness;

import static dev.celeriac.it.redis.robustness.RobustnessSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Batch;
import dev.celeriac.Celeriac;
import dev.celeriac.it.TestRuns;
import dev.celeriac.it.WorkerProcess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * Workers SIGKILLed mid-run lose nothing: 20,000 tasks, a {@code run worker} JVM killed with SIGKILL
 * twice (at about 25 % and 60 % progress) and replaced each time. The replacement returns the dead
 * worker's in-flight messages to the queue once the dead worker's heartbeat has lapsed (2 s here), so
 * every task runs at least once; the only cost is a bounded number of second runs.
 */
@Tag("redis")
class CrashTest {

  private static final int TASKS = 20_000;
  private static final int CONCURRENCY = 2;
  private static final int PREFETCH = 32;
  private static final String QUEUE = "crash";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RECOVERED =
      Pattern.compile("Returned (\\d+) in-flight messages of workers whose heartbeat lapsed");

  /**
   * What the test saw of one SIGKILL: how many tasks had run, how many messages the dead worker held in
   * flight (its {@code celeriac:in-flight:<id>} hash), and how many of those had already run (their
   * {@code HINCRBY} landed) without their ack reaching Redis: those are the ones that run twice.
   */
  private record Kill(String worker, int exitValue, long progress, long inFlightAtKill, long ranButUnacked) {}

  @Test
  void sigkilledWorkersLoseNothingAndRunAtMostTheirInFlightWindowTwice() throws Exception {
    long started = System.nanoTime();
    Path dir = TestRuns.runDir("crash");
    try (JedisPooled redis = RobustnessSupport.flushedSharedDb();
        Celeriac app = Celeriac.connect(RobustnessSupport.SHARED_BROKER)) {
      for (int from = 0; from < TASKS; from += 1000) {
        try (Batch batch = app.batch()) {
          for (int i = from; i < Math.min(TASKS, from + 1000); i++) {
            CrashRunTask.with().in(batch).enqueue(i);
          }
        }
      }
      assertEquals(TASKS, redis.llen(QUEUE), "all tasks enqueued before the first worker starts");

      String classPath = TestRuns.snapshotClassPath(dir);
      Path conf = TestRuns.writeConf(dir, "worker.properties",
          Map.of("worker.heartbeat-timeout-seconds", "2"));
      String[] args = {"-Q", QUEUE, "-c", Integer.toString(CONCURRENCY), "--prefetch", Integer.toString(PREFETCH),
          "--broker", RobustnessSupport.SHARED_BROKER};
      List<WorkerProcess> workers = new ArrayList<>();
      List<Kill> kills = new ArrayList<>();
      long[] maxInFlight = {0};
      boolean lastStillRegistered;
      try {
        workers.add(WorkerProcess.start(dir, "worker-1", classPath, conf, args).awaitConsuming(Duration.ofSeconds(30)));
        awaitProgress(redis, TASKS / 4, workers.get(0), maxInFlight);
        kills.add(killHard(redis, workers.get(0)));

        workers.add(WorkerProcess.start(dir, "worker-2", classPath, conf, args).awaitConsuming(Duration.ofSeconds(30)));
        awaitRecovered(redis, kills.get(0));
        awaitProgress(redis, TASKS * 6 / 10, workers.get(1), maxInFlight);
        kills.add(killHard(redis, workers.get(1)));

        workers.add(WorkerProcess.start(dir, "worker-3", classPath, conf, args).awaitConsuming(Duration.ofSeconds(30)));
        awaitRecovered(redis, kills.get(1));
        WorkerProcess last = workers.get(2);
        await("every task to have run and been acked", Duration.ofSeconds(90),
            () -> redis.hlen(RobustnessTasks.CRASH_RUNS) == TASKS && redis.llen(QUEUE) == 0
                && redis.hlen("unacked") == 0,
            () -> state(redis) + "\n" + TestRuns.tail(last.log, 20));
        String lastId = workerId(redis, last.pid());
        assertEquals(0, last.stopGracefully(Duration.ofSeconds(30)), "the last worker stops cleanly on SIGTERM");
        // Not asserted: run worker's SIGTERM path races two RedisBroker.close() calls and may halt before
        // the deregistration (a runtime bug, see the report); any live worker's recovery removes the entry
        // after the heartbeat timeout. Printed below.
        lastStillRegistered = redis.zscore("celeriac:workers", lastId) != null;
      } finally {
        for (WorkerProcess worker : workers) {
          worker.close();
        }
      }

      Map<String, String> runs = redis.hgetAll(RobustnessTasks.CRASH_RUNS);
      List<Integer> lost = new ArrayList<>();
      long totalRuns = 0;
      for (int i = 0; i < TASKS; i++) {
        String count = runs.get(Integer.toString(i));
        if (count == null) {
          lost.add(i);
        } else {
          totalRuns += Long.parseLong(count);
        }
      }
      long duplicates = totalRuns - (TASKS - lost.size());
      long inFlightAtKills = kills.stream().mapToLong(Kill::inFlightAtKill).sum();
      long ranButUnacked = kills.stream().mapToLong(Kill::ranButUnacked).sum();
      long recoveredPerLogs = 0;
      for (WorkerProcess worker : workers) {
        Matcher m = RECOVERED.matcher(worker.logText());
        while (m.find()) {
          recoveredPerLogs += Long.parseLong(m.group(1));
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("crash test: %d tasks, %d kills, %d ran, %d lost, %d duplicates (in-flight window %d)%n",
          TASKS, kills.size(), TASKS - lost.size(), lost.size(), duplicates, PREFETCH);
      System.out.printf("crash test: kills at %s tasks run; in flight at the kills %s (had run: %s), recovered"
              + " per worker logs %d; largest in-flight hash of a live worker %d; last worker still registered"
              + " after its SIGTERM exit: %s; %.1f s%n",
          kills.stream().map(Kill::progress).toList(), kills.stream().map(Kill::inFlightAtKill).toList(),
          kills.stream().map(Kill::ranButUnacked).toList(), recoveredPerLogs, maxInFlight[0],
          lastStillRegistered ? "yes" : "no", seconds);

      for (Kill kill : kills) {
        assertEquals(137, kill.exitValue(), "destroyForcibly is SIGKILL: exit value 128 + 9 for " + kill.worker());
      }
      assertEquals(List.of(), lost.subList(0, Math.min(20, lost.size())), lost.size() + " tasks never ran");
      assertEquals(inFlightAtKills, recoveredPerLogs,
          "the replacement workers returned exactly what the killed workers held in flight");
      // What bounds the duplicates: a task runs twice only if its first run's ack never reached Redis, i.e.
      // it is in the killed worker's in-flight hash (fetched, not acked) AND had run. That hash holds the
      // messages the worker had buffered or was running (at most the prefetch, 32) plus finished ones
      // whose acks were still queued in its ack batcher; recovery returns all of it, and the buffered ones
      // that never ran are first runs, not duplicates. So every duplicate is one of the "had run" entries
      // counted at the kills. (Equal in practice; "at most" because a message that ran in worker 1 and was
      // still unstarted in worker 2's buffer at the second kill would be counted at both kills.)
      assertTrue(duplicates <= ranButUnacked, duplicates + " duplicates, but only " + ranButUnacked
          + " messages had run without their ack at the kills: a live worker ran something twice");
      assertTrue(duplicates <= inFlightAtKills, "duplicates within what was in flight at the kills");
      // The in-flight window bound: prefetch per kill. It holds while the ack batcher keeps up (a round
      // trip's worth of acks, a handful here); acks still in the batcher do not count against prefetch
      // (a slot frees its permit when it hands the ack over), so a stalled batcher could exceed it.
      assertTrue(duplicates <= (long) PREFETCH * kills.size(),
          duplicates + " duplicates exceed the in-flight window " + PREFETCH + " x " + kills.size() + " kills");

      // Nothing stays in flight anywhere: kombu's structures and every per-worker hash are empty.
      assertEquals(0, redis.hlen("unacked"), "unacked");
      assertEquals(0, redis.zcard("unacked_index"), "unacked_index");
      Set<String> inFlightKeys = redis.keys("celeriac:in-flight:*");
      for (String key : inFlightKeys) {
        assertEquals(0, redis.hlen(key), key);
      }
      assertEquals(Set.of(), inFlightKeys, "in-flight hashes left behind");
      for (Kill kill : kills) {
        assertNull(redis.zscore("celeriac:workers", kill.worker()), kill.worker() + " still registered");
      }
      assertEquals(0, redis.llen(QUEUE), "queue");
    }
  }

  private static void awaitProgress(JedisPooled redis, long target, WorkerProcess worker, long[] maxInFlight) {
    await(worker.name + " to run " + target + " tasks", Duration.ofSeconds(60), () -> {
      if (!worker.process.isAlive()) {
        throw new AssertionError(worker.name + " died:\n" + TestRuns.tail(worker.log, 40));
      }
      for (String key : redis.keys("celeriac:in-flight:*")) {
        maxInFlight[0] = Math.max(maxInFlight[0], redis.hlen(key));
      }
      return redis.hlen(RobustnessTasks.CRASH_RUNS) >= target;
    }, () -> state(redis) + "\n" + TestRuns.tail(worker.log, 20));
  }

  private static Kill killHard(JedisPooled redis, WorkerProcess worker) throws InterruptedException {
    String id = workerId(redis, worker.pid());
    int exit = worker.killHard();
    long progress = redis.hlen(RobustnessTasks.CRASH_RUNS);
    // Anything the dead process had already written to its socket is executed by now.
    RobustnessSupport.sleep(Duration.ofMillis(100));
    Map<String, String> inFlight = redis.hgetAll("celeriac:in-flight:" + id);
    long ranButUnacked = 0;
    for (String field : inFlight.keySet()) {
      // The envelope is in kombu's unacked entry, framed as [<envelope>, "", "<queue>"]; the task number
      // is keyword "i" in its base64 body.
      String entry = redis.hget("unacked", field);
      if (entry == null) {
        continue;
      }
      JsonNode envelope = tree(entry).get(0);
      if (redis.hexists(RobustnessTasks.CRASH_RUNS, Integer.toString(taskNumber(envelope)))) {
        ranButUnacked++;
      }
    }
    return new Kill(id, exit, progress, inFlight.size(), ranButUnacked);
  }

  private static int taskNumber(JsonNode envelope) {
    try {
      JsonNode body = JSON.readTree(Base64.getDecoder().decode(envelope.path("body").asText()));
      return body.get(1).get("i").asInt();
    } catch (IOException e) {
      throw new AssertionError("unreadable envelope in flight: " + envelope, e);
    }
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new AssertionError("unreadable unacked entry: " + json, e);
    }
  }

  /** The id {@code host:pid:random} under which the worker with {@code pid} heartbeats. */
  private static String workerId(JedisPooled redis, long pid) {
    for (String member : redis.zrange("celeriac:workers", 0, -1)) {
      String[] parts = member.split(":", -1);
      if (parts.length >= 3 && parts[parts.length - 2].equals(Long.toString(pid))) {
        return member;
      }
    }
    throw new AssertionError("no worker with pid " + pid + " in celeriac:workers: "
        + redis.zrange("celeriac:workers", 0, -1));
  }

  /** The replacement took the dead worker's messages back: its in-flight hash and registration are gone. */
  private static void awaitRecovered(JedisPooled redis, Kill kill) {
    await("recovery of " + kill.worker() + "'s in-flight messages", Duration.ofSeconds(20),
        () -> !redis.exists("celeriac:in-flight:" + kill.worker())
            && redis.zscore("celeriac:workers", kill.worker()) == null,
        () -> state(redis));
  }

  private static String state(JedisPooled redis) {
    StringBuilder s = new StringBuilder();
    s.append("ran ").append(redis.hlen(RobustnessTasks.CRASH_RUNS))
        .append(", queued ").append(redis.llen(QUEUE))
        .append(", unacked ").append(redis.hlen("unacked"))
        .append(", workers ").append(redis.zrangeWithScores("celeriac:workers", 0, -1));
    for (String key : redis.keys("celeriac:in-flight:*")) {
      s.append(", ").append(key).append(' ').append(redis.hlen(key));
    }
    return s.toString();
  }
}
