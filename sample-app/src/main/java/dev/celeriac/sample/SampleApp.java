package dev.celeriac.sample;

import dev.celeriac.Celeriac;
import dev.celeriac.TaskContext;
import dev.celeriac.TaskDefinition;
import dev.celeriac.broker.memory.MemoryBroker;
import dev.celeriac.cli.Main;
import dev.celeriac.worker.DeadLetterCause;
import dev.celeriac.worker.Outcome;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerListener;
import dev.celeriac.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The sample's entry point. With a command it is the Celeriac command line ({@code tasks},
 * {@code run worker}, ...); without one it runs the main job: enqueue a morning's work through the
 * generated stubs, run a worker on the embedded {@code memory://} broker, print what ran, exit 0.
 */
public final class SampleApp {

  private SampleApp() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length > 0) {
      // The main job's output stays quiet (simplelogger.properties says warn); an operator running a command
      // wants to see what the worker or cron does, with times.
      setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "info");
      setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
      setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
      System.exit(Main.run(args));
    }
    System.exit(runMainJob());
  }

  private static void setIfAbsent(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }

  /** Runs the main job; returns the exit code. */
  static int runMainJob() throws InterruptedException {
    try (Celeriac app = Celeriac.connect("memory://")) {
      Celeriac.setDefault(app);
      System.out.println("Celeriac sample on " + app.broker().displayUrl() + ", tasks in the index:");
      for (TaskDefinition task : app.registry().tasks()) {
        System.out.println("  " + task.name() + " -> queue " + task.queue()
            + (task.isImplemented() ? "" : " (implemented elsewhere)"));
      }

      EventStore store = EventStore.get();
      store.cachePayload("event:1001", "TypeError: undefined is not a function");
      store.cachePayload("event:1002", "KeyError: 'user'");
      System.out.println("Enqueueing:");
      SaveEventTask.enqueue(42, "event:1001");
      // A message from a newer deploy that passes a keyword this one does not know: it lands in @Extras.
      SaveEventTask.enqueue(42, "event:1002", Map.of("received_via", "relay"));
      // Ingest enqueued before its cache write: the task retries until the payload is there.
      SaveEventTask.enqueue(7, "event:2001");
      SendDigestTask.with().countdown(Duration.ofMillis(600)).enqueue(42, List.of(1L, 2L), DigestInterval.DAILY);
      DeleteOldEventsTask.enqueue(30);
      // Implemented by a Python Celery service: produced through the typed stub, consumed over there.
      SymbolicateTask.enqueue(42, "event:1001");
      System.out.println("  5 tasks for this worker on events, digests and cleanup; 1 for the Python service on "
          + "symbolication");

      CountDownLatch finished = new CountDownLatch(5);
      WorkerListener progress = new WorkerListener() {
        @Override
        public void taskSucceeded(TaskContext task, Duration runtime) {
          finished.countDown();
        }

        @Override
        public void messageDeadLettered(String queue, String taskName, String taskId, DeadLetterCause cause,
            String reason) {
          System.out.println("  dead letter on " + queue + ": " + reason);
          finished.countDown();
        }
      };
      Worker worker = app.worker(WorkerOptions.builder().concurrency(2).listener(progress).build()).start();
      System.out.println("Worker running on " + worker.queues() + ":");
      Thread.sleep(400);
      store.cachePayload("event:2001", "ZeroDivisionError: division by zero");
      boolean done = finished.await(30, TimeUnit.SECONDS);
      worker.stop();

      System.out.printf("Done: %d succeeded, %d retried, %d dead-lettered; %d events stored; "
          + "%d message waiting for the Python service.%n",
          worker.count(Outcome.SUCCEEDED), worker.count(Outcome.RETRIED), worker.count(Outcome.DEAD_LETTERED),
          store.size(), ((MemoryBroker) app.broker()).readyCount(SymbolicateTask.DEFINITION.queue()));
      return done && worker.count(Outcome.DEAD_LETTERED) == 0 ? 0 : 1;
    } finally {
      Celeriac.setDefault(null);
    }
  }
}
