package dev.celeriac.it.amqp.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.broker.amqp.AmqpSettings;
import dev.celeriac.broker.amqp.AmqpSettings.QueueType;
import dev.celeriac.it.TestRuns;
import dev.celeriac.testsupport.Waits;
import dev.celeriac.worker.Outcome;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A three-node RabbitMQ cluster started by the test ({@link RabbitCluster}), quorum queues, producers and workers in
 * this JVM given kombu's failover list of the three nodes, and the node holding the queues' leaders SIGKILLed while
 * tasks flow. Producers and workers go on against the surviving nodes by themselves; every enqueue RabbitMQ
 * confirmed runs, and those without a countdown while the node stays down; a task runs more than once only within
 * what was in flight at the kill (the workers' windows, the producers' unconfirmed enqueues, the countdowns on their
 * way through the delay levels, which dead-letter at least once).
 *
 * <p>Countdowns may have to wait for the node, on RabbitMQ 3.10: a delay level whose dead-letter worker started on
 * its new leader before the next queue had elected one keeps sending to the lost leader, so the countdowns through
 * it wait until the node is back. The test then starts the node again and waits for every one of them; how many
 * waited is printed.
 *
 * <p>{@value #DEFAULT_TASKS} tasks, about a minute and a half; {@code -Dceleriac.cluster.tasks=N} runs another
 * number.
 */
@Tag("rabbitmq")
class AmqpClusterFailoverTest {

  private static final int DEFAULT_TASKS = 20_000;
  private static final int TASKS = Integer.getInteger("celeriac.cluster.tasks", DEFAULT_TASKS);
  private static final List<String> QUEUES = List.of("amqp-cluster-a", "amqp-cluster-b");
  private static final int PRODUCERS = 2;
  private static final int THREADS_PER_PRODUCER = 2;
  private static final int WORKERS = 2;
  private static final int CONCURRENCY = 4;
  /** Each worker's window, per queue consumed (RabbitMQ's per-consumer prefetch). */
  private static final int PREFETCH = 40;
  /** Every this many tasks, one with a countdown, through the quorum delay queues. */
  private static final int COUNTDOWN_EVERY = 100;
  private static final Duration COUNTDOWN = Duration.ofSeconds(2);

  @Test
  void everyConfirmedTaskRunsThroughTheLossOfTheNodeHoldingTheQueueLeaders() throws Exception {
    long started = System.nanoTime();
    Path dir = TestRuns.runDir("amqp-cluster");
    AmqpRobustnessTasks.CLUSTER_RUNS.clear();
    Set<Long> confirmed = ConcurrentHashMap.newKeySet();
    Map<Long, Long> countdownsSent = new ConcurrentHashMap<>();
    Map<Long, String> failed = new ConcurrentHashMap<>();
    AtomicLong next = new AtomicLong();
    AtomicLong longestEnqueueMillis = new AtomicLong();
    List<Long> producedAfterKill = new ArrayList<>();
    List<Long> ranAfterKill = new ArrayList<>();
    String killed;
    Map<String, String> leadersBefore;
    Map<String, String> leadersAfter;
    long clusterStartMillis;
    long producersBackMillis;
    long workersBackMillis;
    Map<Outcome, Long> outcomes = new TreeMap<>();
    List<Long> heldUp = new ArrayList<>();
    long restartMillis;

    try (RabbitCluster cluster = RabbitCluster.start(dir, 3)) {
      clusterStartMillis = millisSince(started);
      CeleriacConfig config = CeleriacConfig.builder().brokerUrl(cluster.url())
          .brokerSettings(AmqpSettings.defaults().withManagementPort(0).withQueueType(QueueType.QUORUM, 50)).build();
      List<Celeriac> apps = new ArrayList<>();
      try {
        List<Celeriac> producerApps = new ArrayList<>();
        List<AtomicLong> producedBy = new ArrayList<>();
        for (int i = 0; i < PRODUCERS; i++) {
          producerApps.add(open(apps, config));
          producedBy.add(new AtomicLong());
        }
        // The delay levels a 2 s countdown passes exist, and have settled, before the kill.
        for (String queue : QUEUES) {
          AmqpClusterRunTask.with().on(producerApps.get(0)).queue(queue).countdown(Duration.ofMillis(1500))
              .enqueue(-1L - QUEUES.indexOf(queue) * 2L);
          AmqpClusterRunTask.with().on(producerApps.get(0)).queue(queue).countdown(Duration.ofMillis(2500))
              .enqueue(-2L - QUEUES.indexOf(queue) * 2L);
        }
        confirmed.addAll(List.of(-1L, -2L, -3L, -4L));
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
          workers.add(open(apps, config).worker(WorkerOptions.builder().queues(QUEUES)
              .concurrency(CONCURRENCY).prefetch(PREFETCH).shutdownTimeout(Duration.ofSeconds(10)).build()).start());
        }
        List<Thread> producers = new ArrayList<>();
        for (int i = 0; i < PRODUCERS; i++) {
          Celeriac app = producerApps.get(i);
          AtomicLong produced = producedBy.get(i);
          for (int t = 0; t < THREADS_PER_PRODUCER; t++) {
            producers.add(new Thread(() -> produce(app, next, confirmed, countdownsSent, produced, failed,
                longestEnqueueMillis),
                "amqp-cluster-producer-" + producers.size()));
          }
        }
        producers.forEach(Thread::start);
        try {
          Waits.await("a quarter of the tasks confirmed and an eighth run before the kill", Duration.ofMinutes(5),
              () -> confirmed.size() >= TASKS / 4 && runCount() >= TASKS / 8,
              () -> "confirmed " + confirmed.size() + ", ran " + runCount() + ", failed " + failed.size());
          leadersBefore = cluster.leaders();
          killed = leadersBefore.get(QUEUES.get(0));
          assertEquals(killed, leadersBefore.get(QUEUES.get(1)), "both task queues lead on one node: " + leadersBefore);
          List<Long> producedBefore = counts(producedBy);
          List<Long> ranBefore = succeeded(workers);
          long confirmedAtKill = confirmed.size();
          long ranAtKill = runCount();
          long kill = System.nanoTime();
          cluster.node(killed).crash();
          Waits.await("producers to have enqueues confirmed after the kill", Duration.ofSeconds(90),
              () -> confirmed.size() > confirmedAtKill + 100,
              () -> "confirmed " + confirmed.size() + " (" + confirmedAtKill + " at the kill), failed " + failed);
          producersBackMillis = millisSince(kill);
          Waits.await("every worker to run tasks after the kill", Duration.ofSeconds(90),
              () -> runCount() > ranAtKill + 100 && allGrew(succeeded(workers), ranBefore),
              () -> "ran " + runCount() + " (" + ranAtKill + " at the kill), per worker "
                  + succeeded(workers) + " (" + ranBefore + " at the kill)");
          workersBackMillis = millisSince(kill);
          Waits.await("every producer's enqueues to be confirmed after the kill", Duration.ofSeconds(90),
              () -> allGrew(counts(producedBy), producedBefore),
              () -> "per producer " + counts(producedBy) + " (" + producedBefore + " at the kill)");
          for (Thread producer : producers) {
            producer.join(Duration.ofMinutes(10).toMillis());
          }
          producedAfterKill.addAll(counts(producedBy));
        } finally {
          next.set(Long.MAX_VALUE / 2); // no new sequence numbers: the producers end, also when the test failed
          for (Thread producer : producers) {
            producer.join(120_000);
          }
        }
        Waits.await("every confirmed enqueue without a countdown to run while the node is down",
            Duration.ofMinutes(2),
            () -> notRun(confirmed).stream().allMatch(countdownsSent::containsKey),
            () -> notRun(confirmed).size() + " confirmed enqueues not run yet, e.g. "
                + notRun(confirmed).stream().limit(20).toList() + "; outcomes " + outcomes(workers)
                + "; quorum queues:\n" + cluster.quorumQueues());
        leadersAfter = cluster.leaders();
        // RabbitMQ 3.10's dead-letter worker can keep sending a delay level's messages to the lost leader of the
        // next queue: those countdowns wait for the node to come back (docs/rabbitmq-clusters.md).
        Waits.sleep(RabbitCluster.DEAD_LETTER_RESEND.multipliedBy(2));
        heldUp.addAll(notRun(confirmed));
        long restart = System.nanoTime();
        cluster.node(killed).start();
        restartMillis = millisSince(restart);
        Waits.await("every confirmed enqueue to run once the node is back", Duration.ofMinutes(2),
            () -> notRun(confirmed).isEmpty(),
            () -> notRun(confirmed).size() + " confirmed enqueues not run yet, e.g. "
                + notRun(confirmed).stream().limit(20).toList() + "; outcomes " + outcomes(workers)
                + "; quorum queues:\n" + cluster.quorumQueues());
        for (Worker worker : workers) {
          assertTrue(worker.stop(Duration.ofSeconds(10)), "worker stopped cleanly");
          ranAfterKill.add(worker.count(Outcome.SUCCEEDED));
        }
        outcomes.putAll(outcomes(workers));
        for (String queue : QUEUES) {
          assertEquals(0, apps.get(0).broker().deadLetters().count(queue), "dead letters of " + queue);
        }
      } finally {
        apps.forEach(Celeriac::close);
      }
    }

    long distinct = AmqpRobustnessTasks.CLUSTER_RUNS.size();
    long runs = AmqpRobustnessTasks.CLUSTER_RUNS.values().stream().mapToLong(List::size).sum();
    long duplicates = runs - distinct;
    long countdowns = countdownsSent.size() + 2L * QUEUES.size(); // and the two per queue that created the levels
    // How long after its eta each countdown first ran (its eta is set inside the enqueue, after t0).
    double latestCountdown = countdownsSent.entrySet().stream().mapToDouble(sent ->
        (AmqpRobustnessTasks.CLUSTER_RUNS.get(sent.getKey()).get(0) - sent.getValue() - COUNTDOWN.toNanos()) / 1e9)
        .max().orElse(0);
    long inFlight = (long) WORKERS * QUEUES.size() * PREFETCH + PRODUCERS * THREADS_PER_PRODUCER + countdowns;
    System.out.printf("amqp cluster failover: 3 nodes up in %d ms; %d confirmed enqueues (%d with a countdown), %d"
            + " failed; SIGKILL of %s, which led %s; producers confirming again after %d ms, every worker running"
            + " again after %d ms; %d ran, %d runs, %d duplicates (in-flight bound %d); countdowns ran up to %.1f s"
            + " after their eta (dead letters resent after %d s), %d of them waiting in the levels for the node%s,"
            + " which was back after %d ms; longest enqueue %d ms;"
            + " leaders after: %s; enqueues per producer %s, runs per worker %s; outcomes %s; %.1f s%n",
        clusterStartMillis, confirmed.size(), countdowns, failed.size(), killed, leadersBefore, producersBackMillis,
        workersBackMillis, distinct, runs, duplicates, inFlight, latestCountdown,
        RabbitCluster.DEAD_LETTER_RESEND.toSeconds(), heldUp.size(), heldUp.isEmpty() ? ""
            : " (" + heldUp.subList(0, Math.min(5, heldUp.size())) + (heldUp.size() > 5 ? "...)" : ")"),
        restartMillis, longestEnqueueMillis.get(), leadersAfter,
        producedAfterKill, ranAfterKill, outcomes, (System.nanoTime() - started) / 1e9);

    assertEquals(List.of(), notRun(confirmed).stream().limit(20).toList(), notRun(confirmed).size()
        + " confirmed enqueues never ran");
    assertTrue(confirmed.size() >= TASKS, "only " + confirmed.size() + " of " + TASKS + " enqueues were confirmed: "
        + failed.values().stream().distinct().limit(3).toList());
    assertTrue(duplicates <= inFlight, duplicates + " tasks ran twice, more than the " + inFlight + " in flight");
    for (String queue : QUEUES) {
      assertNotEquals(killed, leadersAfter.get(queue), queue + " leads on a surviving node: " + leadersAfter);
    }
  }

  /** Enqueues the next sequence numbers until {@link #TASKS} are taken, recording those RabbitMQ confirmed. */
  private static void produce(Celeriac app, AtomicLong next, Set<Long> confirmed, Map<Long, Long> countdownsSent,
      AtomicLong produced, Map<Long, String> failed, AtomicLong longest) {
    for (long seq = next.getAndIncrement(); seq < TASKS; seq = next.getAndIncrement()) {
      long t0 = System.nanoTime();
      try {
        AmqpClusterRunTask.Call call = AmqpClusterRunTask.with().on(app).queue(QUEUES.get((int) (seq % QUEUES.size())));
        boolean countdown = seq % COUNTDOWN_EVERY == COUNTDOWN_EVERY / 2;
        if (countdown) {
          call.countdown(COUNTDOWN);
        }
        call.enqueue(seq);
        confirmed.add(seq);
        if (countdown) {
          countdownsSent.put(seq, t0);
        }
        produced.incrementAndGet();
      } catch (RuntimeException e) {
        failed.put(seq, e.toString());
      }
      longest.accumulateAndGet(millisSince(t0), Math::max);
    }
  }

  private static Celeriac open(List<Celeriac> apps, CeleriacConfig config) {
    Celeriac app = Celeriac.create(config);
    apps.add(app);
    return app;
  }

  /** The outcomes of every worker, summed. */
  private static Map<Outcome, Long> outcomes(List<Worker> workers) {
    Map<Outcome, Long> outcomes = new TreeMap<>();
    for (Worker worker : workers) {
      for (Outcome outcome : Outcome.values()) {
        if (worker.count(outcome) > 0) {
          outcomes.merge(outcome, worker.count(outcome), Long::sum);
        }
      }
    }
    return outcomes;
  }

  private static List<Long> counts(List<AtomicLong> counters) {
    return counters.stream().map(AtomicLong::get).toList();
  }

  private static List<Long> succeeded(List<Worker> workers) {
    return workers.stream().map(worker -> worker.count(Outcome.SUCCEEDED)).toList();
  }

  /** Whether every count of {@code now} is above its count in {@code before}. */
  private static boolean allGrew(List<Long> now, List<Long> before) {
    for (int i = 0; i < now.size(); i++) {
      if (now.get(i) <= before.get(i)) {
        return false;
      }
    }
    return true;
  }

  private static List<Long> notRun(Set<Long> confirmed) {
    return confirmed.stream().filter(seq -> !AmqpRobustnessTasks.CLUSTER_RUNS.containsKey(seq)).sorted().toList();
  }

  private static long runCount() {
    return AmqpRobustnessTasks.CLUSTER_RUNS.size();
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
