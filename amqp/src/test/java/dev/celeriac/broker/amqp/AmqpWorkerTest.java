package dev.celeriac.broker.amqp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Batch;
import dev.celeriac.Celeriac;
import dev.celeriac.EnqueueOptions;
import dev.celeriac.fixtures.AddTask;
import dev.celeriac.fixtures.MathTasks;
import dev.celeriac.testsupport.Waits;
import dev.celeriac.worker.Outcome;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Stubs, batches, retries and dead letters through a worker on the real RabbitMQ. */
@Tag("rabbitmq")
class AmqpWorkerTest {

  @BeforeEach
  void reset() {
    TestRabbit.reset();
    MathTasks.RUNS.clear();
  }

  private static void await(BooleanSupplier condition, Duration within) {
    Waits.await("the condition", within, condition::getAsBoolean);
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
      AddTask.with().on(app).countdown(Duration.ofSeconds(5)).enqueue(40, 2);
      // Parked in the delay queues, not on the task queue where a worker would hold it unacked.
      var parked = app.broker().stats("math");
      assertEquals(1, parked.delayed(), parked.toString());
      assertEquals(0, parked.ready(), parked.toString());
      Worker worker = app.worker(WorkerOptions.builder().queues(List.of("math")).concurrency(1).build()).start();
      await(() -> MathTasks.RUNS.contains("add:40+2"), Duration.ofSeconds(15));
      long ran = System.currentTimeMillis();
      worker.stop();
      assertTrue(ran - sent >= 5000, "ran after " + (ran - sent) + " ms");
    }
  }

  @Test
  void aStoppedWorkerGivesBackWhatRabbitMqPushedWhileItsAppStaysOpen() throws Exception {
    try (Celeriac app = Celeriac.connect(TestRabbit.URL)) {
      MathTasks.GATE.drainPermits();
      for (int i = 0; i < 10; i++) {
        app.send("tests.block", List.of(), Map.of(), EnqueueOptions.DEFAULTS);
      }
      Worker slow = app.worker(WorkerOptions.builder().queues(List.of("slow")).concurrency(1).prefetch(4).build())
          .start();
      await(() -> MathTasks.RUNS.contains("block"), Duration.ofSeconds(15));
      Thread stopper = new Thread(slow::stop);
      stopper.start();
      // The running task ends after the stop began; the other nine were never started here. Nothing outside the
      // stopping thread shows that it began, so it is given time to.
      Thread.sleep(300);
      MathTasks.GATE.release();
      stopper.join(30_000);
      assertEquals(1, slow.count(Outcome.SUCCEEDED));
      // With the app still open, nothing is held by the stopped worker: a second one gets all nine at once.
      Worker next = app.worker(WorkerOptions.builder().queues(List.of("slow")).concurrency(9).prefetch(9).build())
          .start();
      MathTasks.GATE.release(9);
      await(() -> next.count(Outcome.SUCCEEDED) == 9, Duration.ofSeconds(20));
      next.stop();
      assertEquals(0, app.broker().stats("slow").ready());
    }
  }

  @Test
  void twoWorkersOnOneAppEachGetOnlyTheirOwnQueues() throws Exception {
    try (Celeriac app = Celeriac.connect(TestRabbit.URL)) {
      MathTasks.GATE.drainPermits();
      for (int i = 0; i < 20; i++) {
        AddTask.with().on(app).enqueue(i, 0);
      }
      app.send("tests.block", List.of(), Map.of(), EnqueueOptions.DEFAULTS);
      Worker math = app.worker(WorkerOptions.builder().queues(List.of("math")).concurrency(2).build()).start();
      Worker slow = app.worker(WorkerOptions.builder().queues(List.of("slow")).concurrency(1).build()).start();
      await(() -> math.count(Outcome.SUCCEEDED) == 20, Duration.ofSeconds(20));
      assertEquals(0, math.count(Outcome.DEAD_LETTERED));
      MathTasks.GATE.release();
      await(() -> slow.count(Outcome.SUCCEEDED) == 1, Duration.ofSeconds(20));
      math.stop();
      slow.stop();
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
