package dev.celeriac.it.amqp.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.it.TestRuns;
import dev.celeriac.it.amqp.robustness.PrivateRabbit.QuorumRecovery;
import dev.celeriac.testsupport.Waits;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A countdown confirmed into delay queues that did not exist a moment before, and the RabbitMQ node killed with
 * SIGKILL right after the enqueue returned: the countdown runs once the node is back, and the same delay levels
 * carry the next countdown. RabbitMQ 3.10 writes the registration of a new quorum queue's Raft member to disk
 * only up to about a second after creating the queue; a node killed before that comes back with the queue
 * declared but empty and without a leader, for good. An enqueue must therefore not return before the delay
 * queues it went into are older than that, nor declare others on its way out: every quorum queue comes back with
 * its Raft member.
 */
@Tag("rabbitmq")
class AmqpDelayLevelCrashTest {

  /**
   * Parked for its whole seconds left, 4 or 5: in level 2 (and level 0 for 5), leaving by the exit queue, quorum
   * queues that none exist before the first enqueue.
   */
  private static final Duration COUNTDOWN = Duration.ofSeconds(5);

  @Test
  void aCountdownConfirmedIntoNewDelayQueuesRunsAfterRabbitMqIsKilledRightAfterTheEnqueue() throws Exception {
    Path dir = TestRuns.runDir("amqp-delay-level-crash");
    AmqpRobustnessTasks.LEVEL_CRASH_RUNS.clear();
    try (PrivateRabbit rabbit = PrivateRabbit.start(dir)) {
      CeleriacConfig config = CeleriacConfig.builder().brokerUrl(rabbit.url()).build();
      long enqueued;
      try (Celeriac producer = Celeriac.create(config)) {
        long started = System.nanoTime();
        AmqpLevelCrashRunTask.with().on(producer).countdown(COUNTDOWN).enqueue(1L);
        enqueued = System.nanoTime();
        rabbit.crash();
        System.out.printf("amqp delay level crash test: the first countdown's enqueue took %d ms; RabbitMQ killed"
            + " %d ms after it returned%n", (enqueued - started) / 1_000_000, (System.nanoTime() - enqueued) / 1_000_000);
      }
      rabbit.start();
      try (Celeriac workerApp = Celeriac.create(config)) {
        Worker worker = workerApp.worker(WorkerOptions.builder().queues(List.of("amqp-level-crash")).concurrency(1)
            .build()).start();
        Waits.await("the countdown confirmed before the SIGKILL to run", Duration.ofSeconds(60),
            () -> AmqpRobustnessTasks.LEVEL_CRASH_RUNS.containsKey(1L),
            () -> "quorum queues: " + rabbit.quorumQueues() + "; " + rabbit.quorumRecoveries());
        System.out.printf("amqp delay level crash test: the countdown ran %.1f s after the enqueue returned (its"
            + " eta was %d s after the enqueue began)%n",
            (AmqpRobustnessTasks.LEVEL_CRASH_RUNS.get(1L).get(0) - enqueued) / 1e9, COUNTDOWN.toSeconds());

        AmqpLevelCrashRunTask.with().on(workerApp).countdown(COUNTDOWN).enqueue(2L);
        Waits.await("a countdown through the same delay levels after the restart to run", Duration.ofSeconds(30),
            () -> AmqpRobustnessTasks.LEVEL_CRASH_RUNS.containsKey(2L),
            () -> "quorum queues: " + rabbit.quorumQueues() + "; " + rabbit.quorumRecoveries());
        assertTrue(worker.stop(Duration.ofSeconds(10)), "worker stopped cleanly");
      }
      List<QuorumRecovery> recoveries = rabbit.quorumRecoveries();
      System.out.printf("amqp delay level crash test: %s%n%s%n", recoveries, rabbit.quorumQueues());
      QuorumRecovery afterCrash = recoveries.get(recoveries.size() - 1);
      assertEquals(afterCrash.queues(), afterCrash.registered(),
          "every delay queue came back with its Raft member: none was declared in the second before the SIGKILL; "
              + recoveries);
    }
  }
}
