package dev.celeriac.it.amqp.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.it.TestRuns;
import dev.celeriac.testsupport.Waits;
import dev.celeriac.worker.Outcome;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A private RabbitMQ node taken down twice under load, first with a graceful stop, then with SIGKILL to its
 * Erlang VM, and started again each time: a producer and a worker in this JVM ride out both outages by
 * themselves (amqp-client reconnects; an enqueue retries until RabbitMQ confirms it), and every enqueue that
 * returned normally runs at least once. Every 50th enqueue has a 2 s countdown, so messages are also parked in
 * the quorum delay queues across the outages. Enqueues that threw were not confirmed and are not owed a run.
 *
 * <p>The delay queues those countdowns pass (levels 0 and 1, the exit queue) are created before the first outage:
 * RabbitMQ 3.10 loses a quorum queue created in the second before it is killed, for good, which
 * {@link AmqpDelayLevelCrashTest} covers on its own. When a confirmed enqueue does not run, the failure names
 * where every quorum queue's messages are and whether RabbitMQ found each queue's Raft member at each start.
 */
@Tag("rabbitmq")
class AmqpBrokerRestartTest {

  private static final String QUEUE = "amqp-restart";
  private static final Duration COUNTDOWN = Duration.ofSeconds(2);

  @Test
  void producerAndWorkerRideOutAStopAndACrashOfRabbitMqAndEveryConfirmedEnqueueRuns() throws Exception {
    long started = System.nanoTime();
    Path dir = TestRuns.runDir("amqp-broker-restart");
    AmqpRobustnessTasks.RESTART_RUNS.clear();

    Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    Map<Long, Long> delayed = new ConcurrentHashMap<>();
    Map<Long, String> failed = new ConcurrentHashMap<>();
    AtomicLong longestEnqueueMillis = new AtomicLong();
    AtomicBoolean producing = new AtomicBoolean(true);
    List<Outage> outages = new ArrayList<>();
    Map<Outcome, Long> outcomes;
    Map<String, Long> leftovers;

    try (PrivateRabbit rabbit = PrivateRabbit.start(dir)) {
      long nodeStartMillis = (System.nanoTime() - started) / 1_000_000;
      CeleriacConfig config = CeleriacConfig.builder().brokerUrl(rabbit.url()).build();
      try (Celeriac producerApp = Celeriac.create(config); Celeriac workerApp = Celeriac.create(config)) {
        Worker worker = workerApp.worker(WorkerOptions.builder().queues(List.of(QUEUE)).concurrency(2)
            .shutdownTimeout(Duration.ofSeconds(10)).build()).start();
        // A 2 s countdown is parked for 1 or 2 whole seconds, depending on the milliseconds its enqueue took:
        // these two create the delay queues of both long before the outages.
        AmqpRestartRunTask.with().on(producerApp).countdown(Duration.ofMillis(1500)).enqueue(-1L);
        AmqpRestartRunTask.with().on(producerApp).countdown(Duration.ofMillis(2500)).enqueue(-2L);
        acknowledged.addAll(List.of(-1L, -2L));
        Thread producer = new Thread(() -> {
          long seq = 0;
          while (producing.get()) {
            long t0 = System.nanoTime();
            try {
              if (seq % 50 == 25) {
                AmqpRestartRunTask.with().on(producerApp).countdown(COUNTDOWN).enqueue(seq);
                delayed.put(seq, t0);
              } else {
                AmqpRestartRunTask.with().on(producerApp).enqueue(seq);
              }
              acknowledged.add(seq);
            } catch (RuntimeException e) {
              failed.put(seq, e.toString());
            }
            longestEnqueueMillis.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
            seq++;
            Waits.sleep(Duration.ofMillis(1));
          }
        }, "amqp-restart-test-producer");
        try {
          producer.start();
          Waits.await("the worker to run 500 tasks before the first outage", Duration.ofSeconds(60),
              () -> runCount() >= 500, () -> "ran " + runCount() + ", enqueued " + acknowledged.size());
          Waits.sleep(Duration.ofSeconds(1));
          outages.add(outage("graceful stop", rabbit, worker, acknowledged, PrivateRabbit::stop));
          Waits.sleep(Duration.ofSeconds(1));
          outages.add(outage("SIGKILL", rabbit, worker, acknowledged, PrivateRabbit::crash));
          Waits.sleep(Duration.ofSeconds(1));
        } finally {
          producing.set(false);
          producer.join(60_000);
        }
        Waits.await("every confirmed enqueue to run", Duration.ofSeconds(60),
            () -> acknowledged.stream().allMatch(AmqpRobustnessTasks.RESTART_RUNS::containsKey),
            () -> acknowledged.stream().filter(s -> !AmqpRobustnessTasks.RESTART_RUNS.containsKey(s)).sorted().toList()
                + " confirmed enqueues not run yet (countdowns: " + delayed + "); in RabbitMQ " + leftovers(rabbit)
                + "; worker outcomes " + outcomes(worker) + "; quorum queues:\n" + rabbit.quorumQueues() + "\n"
                + rabbit.quorumRecoveries());
        assertTrue(worker.stop(Duration.ofSeconds(10)), "worker stopped cleanly");
        outcomes = outcomes(worker);
      }
      // Both apps are closed: anything unacked would be back in its queue now.
      leftovers = leftovers(rabbit);
      System.out.printf("amqp broker restart test: private node %s started in %d ms; %s%n", rabbit.node,
          nodeStartMillis, rabbit.quorumRecoveries());
    }

    List<Long> neverRan = new ArrayList<>();
    for (long seq : acknowledged) {
      if (!AmqpRobustnessTasks.RESTART_RUNS.containsKey(seq)) {
        neverRan.add(seq);
      }
    }
    long ranCount = AmqpRobustnessTasks.RESTART_RUNS.size();
    long totalRuns = AmqpRobustnessTasks.RESTART_RUNS.values().stream().mapToLong(List::size).sum();
    // Which tasks ran twice, and when (seconds since the test started; the outages' times are printed below).
    Map<Long, List<String>> duplicated = new TreeMap<>();
    AmqpRobustnessTasks.RESTART_RUNS.forEach((seq, times) -> {
      if (times.size() > 1) {
        duplicated.put(seq, times.stream().map(t -> String.format("%.1f s", (t - started) / 1e9)).toList());
      }
    });
    // How long after its eta each countdown first ran: those due while the node was down wait for it.
    List<Double> lateness = new ArrayList<>();
    delayed.forEach((seq, enqueuedAt) -> {
      List<Long> times = AmqpRobustnessTasks.RESTART_RUNS.get(seq);
      if (times != null) {
        lateness.add((times.get(0) - enqueuedAt - COUNTDOWN.toNanos()) / 1e9);
      }
    });
    double earliest = lateness.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double latest = lateness.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    System.out.printf("amqp broker restart test: %d confirmed enqueues (%d with a %d s countdown, run %.2f to %.2f s"
            + " after their eta), %d ran (%d runs, %d duplicates: %s), %d never ran; %d enqueues failed %s%n",
        acknowledged.size(), delayed.size(), COUNTDOWN.toSeconds(), earliest, latest, ranCount, totalRuns,
        totalRuns - ranCount, duplicated, neverRan.size(), failed.size(),
        failed.values().stream().distinct().limit(3).toList());
    for (Outage outage : outages) {
      System.out.printf("amqp broker restart test: %s at %.1f s: RabbitMQ down and starting again for %d ms (%d"
              + " confirmed enqueues, %d tasks run by then), the worker running tasks again %d ms after it was back%n",
          outage.kind(), (outage.downAt() - started) / 1e9, outage.millis(), outage.confirmedBefore(),
          outage.ranBefore(), outage.workerBackMillis());
    }
    System.out.printf("amqp broker restart test: longest enqueue %d ms, worker outcomes %s, left in RabbitMQ %s,"
            + " %.1f s%n",
        longestEnqueueMillis.get(), outcomes, leftovers, (System.nanoTime() - started) / 1e9);

    assertEquals(List.of(), neverRan.subList(0, Math.min(20, neverRan.size())),
        neverRan.size() + " confirmed enqueues never ran");
    // The eta is set inside the enqueue, after its start was taken: a run before start + countdown is early.
    assertTrue(earliest > -0.1, "a countdown ran " + -earliest + " s before its eta");
    for (Map.Entry<String, Long> left : leftovers.entrySet()) {
      assertEquals(0, left.getValue(), left.getKey() + " after every connection closed");
    }
  }

  /** One outage: how it was caused, how long the node was away, and how the worker came back. */
  private record Outage(String kind, long downAt, long millis, long confirmedBefore, long ranBefore,
      long workerBackMillis) {}

  /** A way to take the node down. */
  @FunctionalInterface
  private interface Fault {
    void apply(PrivateRabbit rabbit) throws InterruptedException;
  }

  /**
   * Takes the node down with {@code fault}, starts it again, and waits until the producer has enqueues
   * confirmed and the worker runs tasks again, each by itself.
   */
  private static Outage outage(String kind, PrivateRabbit rabbit, Worker worker, Set<Long> acknowledged, Fault fault)
      throws IOException, InterruptedException {
    long confirmedBefore = acknowledged.size();
    long ranBefore = runCount();
    long down = System.nanoTime();
    fault.apply(rabbit);
    rabbit.start();
    long up = System.nanoTime();
    long ranWhenUp = runCount();
    long confirmedWhenUp = acknowledged.size();
    Waits.await("the producer and the worker to go on after the " + kind, Duration.ofSeconds(60),
        () -> acknowledged.size() > confirmedWhenUp + 50 && runCount() > ranWhenUp + 50,
        () -> "confirmed " + acknowledged.size() + ", ran " + runCount() + "; outcomes " + outcomes(worker) + "\n"
            + TestRuns.tail(rabbit.log(), 10));
    return new Outage(kind, down, (up - down) / 1_000_000, confirmedBefore, ranBefore,
        (System.nanoTime() - up) / 1_000_000);
  }

  /** Ready messages of the task queue, its dead letters and every delay queue that exists, on the private node. */
  private static Map<String, Long> leftovers(PrivateRabbit rabbit) {
    Map<String, Long> left = new TreeMap<>();
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setPort(rabbit.port);
    factory.setAutomaticRecoveryEnabled(false);
    try (Connection connection = factory.newConnection("celeriac test leftovers")) {
      for (String queue : levelsAndQueue()) {
        Channel channel = connection.createChannel();
        try {
          left.put(queue, (long) channel.queueDeclarePassive(queue).getMessageCount());
          channel.close();
        } catch (IOException e) {
          // the level was never declared: the passive declare closed the channel
        }
      }
    } catch (IOException | TimeoutException e) {
      left.put("(RabbitMQ unreachable: " + e + ")", -1L);
    }
    return left;
  }

  private static List<String> levelsAndQueue() {
    List<String> names = new ArrayList<>(List.of(QUEUE, QUEUE + ".dead", "celeriac.delay." + QUEUE + ".exit"));
    for (int level = 0; level < 28; level++) {
      names.add("celeriac.delay." + QUEUE + "." + level);
    }
    return names;
  }

  private static Map<Outcome, Long> outcomes(Worker worker) {
    Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
    for (Outcome outcome : Outcome.values()) {
      if (worker.count(outcome) > 0) {
        counts.put(outcome, worker.count(outcome));
      }
    }
    return counts;
  }

  private static long runCount() {
    return AmqpRobustnessTasks.RESTART_RUNS.size();
  }
}
