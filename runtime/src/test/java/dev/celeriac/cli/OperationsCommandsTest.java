package dev.celeriac.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.EnqueueOptions;
import dev.celeriac.broker.QueueStats;
import dev.celeriac.broker.amqp.TestRabbit;
import dev.celeriac.broker.redis.TestRedis;
import dev.celeriac.fixtures.AddTask;
import dev.celeriac.fixtures.TestIndex;
import dev.celeriac.testsupport.Waits;
import dev.celeriac.worker.Outcome;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code queues}, {@code dead list|requeue|purge} and {@code purge} through {@link Main#run} on the real Redis
 * (database 13, flushed) and RabbitMQ (vhost {@code celeriac-test}, reset): ready, delayed and dead messages
 * put there the way production puts them, by producers and a worker.
 */
@Tag("redis")
@Tag("rabbitmq")
class OperationsCommandsTest {

  private static final String MATH = AddTask.DEFINITION.queue();
  private static final String WORK = TestIndex.WORK.queue();

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @ParameterizedTest
  @ValueSource(strings = {"redis", "amqp"})
  void operationsCommandsCountAndHandleWhatTheBrokerHolds(String kind) throws Exception {
    String url;
    if (kind.equals("redis")) {
      TestRedis.flush();
      url = TestRedis.URL;
    } else {
      TestRabbit.reset();
      url = TestRabbit.URL;
    }
    try (Celeriac app = Celeriac.connect(url)) {
      // Three due in an hour: RabbitMQ's producer parks them in the delay levels, Redis's worker when it meets them.
      for (int i = 0; i < 3; i++) {
        AddTask.with().on(app).countdown(Duration.ofHours(1)).enqueue(i, i);
      }
      // Three the worker dead-letters: a required argument is missing.
      app.send(AddTask.NAME, List.of(), Map.of("y", 1), EnqueueOptions.DEFAULTS);
      app.send(AddTask.NAME, List.of(), Map.of("y", 2), EnqueueOptions.DEFAULTS);
      app.send(TestIndex.WORK.name(), List.of(), Map.of("millis", 1), EnqueueOptions.DEFAULTS);
      Worker worker = app.worker(WorkerOptions.builder().queues(List.of(MATH, WORK)).concurrency(2).build()).start();
      try {
        await("the worker to park three and dead-letter three", () -> worker.count(Outcome.DEAD_LETTERED) == 3
            && app.broker().stats(MATH).delayed() == 3,
            () -> app.broker().stats(MATH) + ", dead-lettered " + worker.count(Outcome.DEAD_LETTERED));
      } finally {
        worker.stop(Duration.ofSeconds(30));
      }
      for (int i = 0; i < 4; i++) {
        AddTask.with().on(app).enqueue(i, 1);
      }
      if (kind.equals("amqp")) {
        // RabbitMQ's management API, where the in-flight count comes from, samples every few seconds.
        await("RabbitMQ to report nothing unacked", () -> app.broker().stats(MATH).inFlight() == 0
            && app.broker().stats(WORK).inFlight() == 0, () -> app.broker().stats(MATH).toString());
      }

      assertEquals(0, run("queues", "--broker", url), err.toString());
      List<String> table = out.toString().lines().toList();
      assertEquals(List.of("QUEUE", "READY", "IN", "FLIGHT", "DELAYED", "DEAD", "BYTES"),
          List.of(table.get(0).trim().split("\\s+")), out.toString());
      assertEquals(List.of("4", "0", "3", "2"), counts(table, MATH));
      assertEquals(List.of("0", "0", "0", "1"), counts(table, WORK));
      // Every queue of the task index is listed, messages or not.
      assertEquals(List.of("0", "0", "0", "0"), counts(table, TestIndex.BLOCK.queue()));
      String bytes = column(table, MATH, 5);
      if (kind.equals("redis")) {
        assertTrue(Long.parseLong(bytes) > 0, out.toString());
        assertEquals("broker " + url, table.get(table.size() - 1));
      } else {
        assertEquals("-", bytes, "RabbitMQ tells no memory use: " + out);
        assertEquals("broker amqp://guest:***@127.0.0.1:5672/" + TestRabbit.VHOST, table.get(table.size() - 1));
      }

      clear();
      assertEquals(0, run("dead", "list", "-Q", MATH + "," + WORK, "--broker", url), err.toString());
      String listing = out.toString();
      assertTrue(listing.startsWith(MATH + ": 2 dead letters\n"), listing);
      assertTrue(listing.contains(WORK + ": 1 dead letter\n"), listing);
      assertEquals(2, count(listing, "    reason     bad arguments: missing required argument 'x' (int)\n"), listing);
      assertEquals(1, count(listing, "    reason     bad arguments: missing required argument 'n' (int)\n"), listing);
      assertTrue(listing.endsWith("3 of 3 dead letters shown\n"), listing);

      clear();
      assertEquals(0, run("dead", "requeue", "-Q", MATH, "--broker", url), err.toString());
      assertEquals("requeued 2 dead letters onto " + MATH + "\nrequeued 2 in all\n", out.toString());
      QueueStats math = app.broker().stats(MATH);
      assertEquals(List.of(6L, 3L, 0L), List.of(math.ready(), math.delayed(), math.dead()), math.toString());

      clear();
      assertEquals(0, run("dead", "purge", "-Q", WORK, "--broker", url), err.toString());
      assertEquals("dropped 1 dead letter of " + WORK + "\ndropped 1 in all\n", out.toString());
      assertEquals(0, app.broker().stats(WORK).dead());

      clear();
      assertEquals(0, run("purge", "-Q", MATH, "--broker", url), err.toString());
      assertEquals("purged 6 messages from " + MATH + "\n", out.toString());
      // Only the ready ones: the parked stay parked.
      clear();
      assertEquals(0, run("queues", "-Q", MATH + "," + WORK, "--broker", url), err.toString());
      table = out.toString().lines().toList();
      assertEquals(List.of("0", "0", "3", "0"), counts(table, MATH));
      assertEquals(List.of("0", "0", "0", "0"), counts(table, WORK));
      assertEquals(4, table.size(), out.toString());
    }
  }

  /** Ready, in flight, delayed and dead of {@code queue} in a table printed by the queues command. */
  private static List<String> counts(List<String> table, String queue) {
    return List.of(column(table, queue, 1), column(table, queue, 2), column(table, queue, 3), column(table, queue, 4));
  }

  private static String column(List<String> table, String queue, int column) {
    for (String line : table) {
      String[] columns = line.trim().split("\\s+", -1);
      if (columns[0].equals(queue)) {
        return columns[column];
      }
    }
    throw new AssertionError("no line for " + queue + " in\n" + String.join("\n", table));
  }

  private static int count(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      count++;
    }
    return count;
  }

  private void clear() {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
  }

  private int run(String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  private static void await(String what, BooleanSupplier condition, Supplier<String> state) {
    Waits.await(what, Duration.ofSeconds(60), condition::getAsBoolean, state);
  }
}
