package dev.celeriac.broker.amqp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Batch;
import dev.celeriac.Celeriac;
import dev.celeriac.EnqueueOptions;
import dev.celeriac.fixtures.AddTask;
import dev.celeriac.fixtures.MathTasks;
import dev.celeriac.worker.Outcome;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stubs, batches, retries and dead letters through a worker on the real RabbitMQ. */
class AmqpWorkerTest {

  @BeforeEach
  void reset() {
    TestRabbit.reset();
    MathTasks.RUNS.clear();
  }

  private static void await(BooleanSupplier condition, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + within);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void batchEnqueueAndWorkerDrainLeaveNothingBehind() throws Exception {
    try (Celeriac app = Celeriac.connect(TestRabbit.URL)) {
      try (Batch batch = app.batch()) {
        for (int i = 0; i < 2000; i++) {
          AddTask.with().in(batch).enqueue(i, 1);
        }
      }
      Worker worker = app.worker(WorkerOptions.builder().queues(List.of("math")).concurrency(2).build()).start();
      await(() -> worker.count(Outcome.SUCCEEDED) == 2000, Duration.ofSeconds(60));
      worker.stop();
      assertEquals(2000, MathTasks.RUNS.stream().distinct().count());
      QueuesAfter stats = QueuesAfter.of(app, "math");
      assertEquals(0, stats.ready + stats.delayed + stats.dead, stats.toString());
    }
  }

  @Test
  void retriesRunAgainAndUnknownTasksAreDeadLetteredWhileTheWorkerGoesOn() throws Exception {
    try (Celeriac app = Celeriac.connect(TestRabbit.URL)) {
      app.send("tests.flaky", List.of(), Map.of("succeed_after", 2), EnqueueOptions.DEFAULTS);
      app.send("tests.nowhere", List.of(), Map.of(), new EnqueueOptions("math", null, null, null, null));
      AddTask.with().on(app).enqueue(1, 2);
      Worker worker = app.worker(WorkerOptions.builder().queues(List.of("math")).concurrency(2).build()).start();
      await(() -> MathTasks.RUNS.contains("flaky:2") && MathTasks.RUNS.contains("add:1+2")
          && app.broker().deadLetters().count("math") == 1, Duration.ofSeconds(30));
      worker.stop();
      assertTrue(MathTasks.RUNS.containsAll(List.of("flaky:0", "flaky:1", "flaky:2")), MathTasks.RUNS.toString());
      String reason = app.broker().deadLetters().list("math", 10).get(0).reason();
      assertTrue(reason.contains("tests.nowhere"), reason);
    }
  }

  @Test
  void aCountdownRunsAfterItsDelayWithoutHoldingTheMessage() throws Exception {
    try (Celeriac app = Celeriac.connect(TestRabbit.URL)) {
      long sent = System.currentTimeMillis();
      AddTask.with().on(app).countdown(Duration.ofSeconds(2)).enqueue(40, 2);
      assertEquals(1, app.broker().stats("math").delayed());
      Worker worker = app.worker(WorkerOptions.builder().queues(List.of("math")).concurrency(1).build()).start();
      await(() -> MathTasks.RUNS.contains("add:40+2"), Duration.ofSeconds(15));
      long ran = System.currentTimeMillis();
      worker.stop();
      assertTrue(ran - sent >= 2000, "ran after " + (ran - sent) + " ms");
    }
  }

  /** A queue's counts, read once. */
  private record QueuesAfter(long ready, long delayed, long dead) {
    static QueuesAfter of(Celeriac app, String queue) {
      var stats = app.broker().stats(queue);
      return new QueuesAfter(stats.ready(), stats.delayed(), stats.dead());
    }
  }
}
