package dev.celeriac.it.amqp.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import dev.celeriac.Batch;
import dev.celeriac.Celeriac;
import dev.celeriac.it.TestRuns;
import dev.celeriac.it.WorkerProcess;
import dev.celeriac.it.amqp.ItRabbit;
import dev.celeriac.testsupport.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Workers SIGKILLed mid-run lose nothing on RabbitMQ: 20,000 tasks in vhost {@code celeriac-robust}, a
 * {@code run worker} JVM killed with SIGKILL twice (at about 25 % and 60 % progress) and replaced each
 * time. RabbitMQ returns a dead connection's unacked messages to the queue, so every task runs at least
 * once; a task runs twice only if its first run's ack never left the killed worker, and a worker holds at
 * most its prefetch window unacked, so each kill costs at most that many second runs.
 */
@Tag("rabbitmq")
class AmqpCrashTest {

  private static final int TASKS = 20_000;
  private static final int CONCURRENCY = 2;
  private static final int PREFETCH = 32;
  private static final String QUEUE = "amqp-crash";
  private static final String VHOST = ItRabbit.ROBUST_VHOST;
  private static final String BROKER_URL = ItRabbit.url(VHOST);

  /**
   * One SIGKILL: the worker's pid, its exit value, how many tasks had run by then, and how many of those had
   * run without their ack reaching RabbitMQ (they are back in the queue, so they run again).
   */
  private record Kill(String worker, long pid, int exitValue, long progress, long ranButUnacked) {}

  @Test
  void sigkilledWorkersLoseNothingAndRunAtMostTheirPrefetchWindowTwice() throws Exception {
    long started = System.nanoTime();
    ItRabbit.reset(VHOST);
    Path dir = TestRuns.runDir("amqp-crash");
    RunLog runLog = new RunLog(dir.resolve("runs.log"));
    List<WorkerProcess> workers = new ArrayList<>();
    List<Kill> kills = new ArrayList<>();
    try (Connection rabbit = ItRabbit.connect(VHOST)) {
      try (Celeriac app = Celeriac.connect(BROKER_URL)) {
        for (int from = 0; from < TASKS; from += 1000) {
          try (Batch batch = app.batch()) {
            for (int i = from; i < Math.min(TASKS, from + 1000); i++) {
              AmqpCrashRunTask.with().in(batch).enqueue(i);
            }
          }
        }
      }
      assertEquals(TASKS, ready(rabbit), "all tasks enqueued (and confirmed) before the first worker starts");
      double enqueueSeconds = (System.nanoTime() - started) / 1e9;

      String classPath = TestRuns.snapshotClassPath(dir);
      Path conf = TestRuns.writeConf(dir, "worker.properties", Map.of("broker.url", BROKER_URL,
          "worker.queues", QUEUE, "worker.concurrency", Integer.toString(CONCURRENCY),
          "worker.prefetch", Integer.toString(PREFETCH)));
      Map<String, String> env = Map.of(AmqpRobustnessTasks.RUN_LOG_ENV, runLog.file().toString());
      try {
        workers.add(WorkerProcess.start(dir, "worker-1", classPath, conf, env).awaitConsuming(Duration.ofSeconds(60)));
        awaitProgress(runLog, TASKS / 4, workers.get(0), rabbit);
        kills.add(killHard(runLog, workers.get(0), rabbit));

        workers.add(WorkerProcess.start(dir, "worker-2", classPath, conf, env).awaitConsuming(Duration.ofSeconds(60)));
        awaitProgress(runLog, TASKS * 6 / 10, workers.get(1), rabbit);
        kills.add(killHard(runLog, workers.get(1), rabbit));

        WorkerProcess last = WorkerProcess.start(dir, "worker-3", classPath, conf, env)
            .awaitConsuming(Duration.ofSeconds(60));
        workers.add(last);
        Waits.await("every task to have run", Duration.ofMinutes(2),
            () -> runLog.refresh().distinct() == TASKS && ready(rabbit) == 0,
            () -> state(runLog, rabbit) + "\n" + TestRuns.tail(last.log, 20));
        Waits.sleep(Duration.ofMillis(500)); // a second run would be logged within this
        assertEquals(0, last.stopGracefully(Duration.ofSeconds(30)), "the last worker stops cleanly on SIGTERM");
        assertTrue(last.logText().contains("prefetch " + PREFETCH), "the worker ran with prefetch " + PREFETCH);
      } finally {
        for (WorkerProcess worker : workers) {
          worker.close();
        }
      }
      // Every connection is closed: whatever a worker left unacked would be back in the queue now.
      Waits.await("no consumer left", Duration.ofSeconds(30), () -> consumers(rabbit) == 0, () -> state(runLog, rabbit));
      assertEquals(0, ready(rabbit), "nothing came back to the queue: every run's ack reached RabbitMQ");
      assertEquals(null, ItRabbit.readyAndConsumers(rabbit, QUEUE + ".dead"), "no dead-letter queue: nothing failed");

      Map<Integer, List<Long>> runs = runLog.refresh().runs();
      List<Integer> lost = new ArrayList<>();
      for (int i = 0; i < TASKS; i++) {
        if (!runs.containsKey(i)) {
          lost.add(i);
        }
      }
      long duplicates = runLog.total() - runs.size();
      // Every run but a task's last was a run whose ack never reached RabbitMQ: its worker must have been killed.
      Set<Long> killedPids = kills.stream().map(Kill::pid).collect(Collectors.toSet());
      Map<Long, Long> unackedRunsByPid = new LinkedHashMap<>();
      long byLiveWorkers = 0;
      for (List<Long> pids : runs.values()) {
        for (long pid : pids.subList(0, pids.size() - 1)) {
          if (killedPids.contains(pid)) {
            unackedRunsByPid.merge(pid, 1L, Long::sum);
          } else {
            byLiveWorkers++;
          }
        }
      }
      List<Long> perKill = kills.stream().map(kill -> unackedRunsByPid.getOrDefault(kill.pid(), 0L)).toList();
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("amqp crash test: %d tasks, %d kills, %d ran, %d lost, %d duplicates (prefetch window %d;"
              + " per kill %s), %d runs in all%n",
          TASKS, kills.size(), runs.size(), lost.size(), duplicates, PREFETCH, perKill, runLog.total());
      System.out.printf("amqp crash test: kills at %s tasks run, of which %s had run without their ack reaching"
              + " RabbitMQ; enqueue of %d confirmed in %.1f s; %.1f s in all%n",
          kills.stream().map(Kill::progress).toList(), kills.stream().map(Kill::ranButUnacked).toList(), TASKS,
          enqueueSeconds, seconds);

      for (Kill kill : kills) {
        assertEquals(137, kill.exitValue(), "destroyForcibly is SIGKILL: exit value 128 + 9 for " + kill.worker());
      }
      assertEquals(List.of(), lost.subList(0, Math.min(20, lost.size())), lost.size() + " tasks never ran");
      assertEquals(0, byLiveWorkers, "a worker that was not killed ran a task that then ran again");
      for (int k = 0; k < kills.size(); k++) {
        Kill kill = kills.get(k);
        assertTrue(perKill.get(k) <= PREFETCH, kill.worker() + " left " + perKill.get(k)
            + " runs unacked, more than its prefetch window " + PREFETCH);
        // Its second runs are among what RabbitMQ took back having run (equal, unless a message returned at an
        // earlier kill was still waiting at this one).
        assertTrue(perKill.get(k) <= kill.ranButUnacked(), kill.worker() + ": " + perKill.get(k)
            + " second runs, but RabbitMQ took back only " + kill.ranButUnacked() + " messages that had run");
      }
      assertEquals(duplicates, perKill.stream().mapToLong(Long::longValue).sum(), "every duplicate came from a kill");
    }
  }

  private static void awaitProgress(RunLog runLog, long target, WorkerProcess worker, Connection rabbit) {
    Waits.await(worker.name + " to run " + target + " tasks", Duration.ofSeconds(90), () -> {
      if (!worker.process.isAlive()) {
        throw new AssertionError(worker.name + " died:\n" + TestRuns.tail(worker.log, 40));
      }
      return runLog.refresh().distinct() >= target;
    }, () -> state(runLog, rabbit) + "\n" + TestRuns.tail(worker.log, 20));
  }

  /** SIGKILL, then waits until RabbitMQ has seen the connection go (no consumer left on the queue). */
  private static Kill killHard(RunLog runLog, WorkerProcess worker, Connection rabbit) throws InterruptedException {
    int exit = worker.killHard();
    long progress = runLog.refresh().distinct();
    Waits.await("RabbitMQ to drop " + worker.name + "'s connection and take its unacked messages back",
        Duration.ofSeconds(30), () -> consumers(rabbit) == 0, () -> state(runLog, rabbit));
    // Nothing consumes now: the queue holds exactly the tasks never acked, so those that ran are the excess.
    long ranButUnacked = progress + ready(rabbit) - TASKS;
    return new Kill(worker.name, worker.pid(), exit, progress, ranButUnacked);
  }

  private static long ready(Connection rabbit) {
    long[] counts = ItRabbit.readyAndConsumers(rabbit, QUEUE);
    return counts == null ? -1 : counts[0];
  }

  private static long consumers(Connection rabbit) {
    long[] counts = ItRabbit.readyAndConsumers(rabbit, QUEUE);
    return counts == null ? -1 : counts[1];
  }

  private static String state(RunLog runLog, Connection rabbit) {
    runLog.refresh();
    return "ran " + runLog.distinct() + " (" + runLog.total() + " runs), ready " + ready(rabbit) + ", consumers "
        + consumers(rabbit);
  }
}
