package dev.celeriac.it.amqp.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.broker.DeadLetter;
import dev.celeriac.it.amqp.ItRabbit;
import dev.celeriac.it.interop.InteropTasks;
import dev.celeriac.it.interop.InteropTasks.Run;
import dev.celeriac.it.interop.PythonCelery;
import dev.celeriac.it.interop.WorkerEvents;
import dev.celeriac.testsupport.Waits;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Custom headers that Celery producers write and that RabbitMQ's Java client cannot parse by itself: py-amqp
 * 5.1.1 writes an integer beyond 32 bits as field type {@code L}, at the top of the table, in a nested table
 * and in an array. amqp-client 5 failed the whole consumer connection on such a message, so every reconnect
 * redelivered it, together with everything whose ack the dead connection took along. A Celeriac worker reads
 * them, runs every message once, and re-publishes the values in types py-amqp reads back.
 */
@Tag("rabbitmq")
@Tag("python")
class AmqpHostileHeadersTest {

  private static final String BROKER_URL = ItRabbit.URL;
  private static final String VHOST = ItRabbit.VHOST;
  private static final String QUEUE = "interop-java";
  private static final int GOOD = 30;

  @BeforeAll
  static void requireRabbitAndPythonCelery() {
    ItRabbit.reset();
    new PythonCelery(BROKER_URL, Map.of()).require("amqp");
  }

  @BeforeEach
  void cleanSlate() {
    ItRabbit.reset();
    InteropTasks.reset();
  }

  @Test
  void messagesWithBigIntegerHeadersFromPythonRunOnceAndNothingBehindThemWaits() throws Exception {
    long started = System.nanoTime();
    PythonCelery python = new PythonCelery(BROKER_URL, Map.of());
    // 30 plain messages with 5 between them carrying 2**40; 2**62 and a list with 2**33 and -(2**50);
    // -(2**40); {'deep': 2**35}; a 64 KiB string. Then one for a task nobody declares, with big headers too.
    Map<String, String> sent = new LinkedHashMap<>();
    for (Map<String, Object> line : python.command("produce-big-headers", Integer.toString(GOOD))) {
      sent.put((String) line.get("key"), (String) line.get("id"));
    }
    assertEquals(GOOD + 5 + 1, sent.size(), sent.toString());
    String unknown = sent.remove("unknown-big");

    WorkerEvents events = new WorkerEvents();
    List<DeadLetter> dead;
    try (Celeriac app = Celeriac.create(CeleriacConfig.builder().brokerUrl(BROKER_URL).build())) {
      Worker worker = app.worker(WorkerOptions.builder().queues(List.of(QUEUE)).concurrency(2).listener(events)
          .build()).start();
      try {
        Waits.await("every message to run and the unknown task to be dead-lettered", Duration.ofSeconds(60),
            () -> runsById().keySet().containsAll(sent.values()) && events.deadLettered.size() >= 1,
            () -> "ran " + runsById().size() + " of " + sent.size() + " (" + InteropTasks.runs().size() + " runs), "
                + events);
        Waits.sleep(Duration.ofSeconds(1)); // a second run would show within this
      } finally {
        worker.stop();
      }
      dead = app.broker().deadLetters().list(QUEUE, 10);
    }

    Map<String, List<Run>> runs = runsById();
    for (Map.Entry<String, String> message : sent.entrySet()) {
      assertEquals(1, runs.getOrDefault(message.getValue(), List.of()).size(),
          message.getKey() + " must run exactly once: " + runs.get(message.getValue()));
    }
    assertEquals(sent.size(), InteropTasks.runs().size(), "no other runs");
    try (Connection rabbit = ItRabbit.connect(VHOST)) {
      long[] left = ItRabbit.readyAndConsumers(rabbit, QUEUE);
      assertEquals(0, left[0], "nothing came back to " + QUEUE + " once every connection closed");
    }

    // The one refused message: dead-lettered with its reason and its big headers, in types both clients read.
    assertEquals(1, dead.size(), dead.toString());
    DeadLetter letter = dead.get(0);
    assertEquals(unknown, letter.message().orElseThrow().id());
    assertTrue(letter.reason().contains("unknown task 'interop.nope'"), letter.reason());
    Map<String, Object> headers = letter.message().orElseThrow().headers();
    assertEquals(1L << 40, headers.get("big"));
    assertEquals(Map.of("deep", 1L << 35), headers.get("nested"));
    // py-amqp reads an 'l' as unsigned, and RabbitMQ writes every 64-bit integer as 'l' when it dead-letters a
    // message (Celeriac's delay levels do), so a negative one beyond 32 bits travels as its decimal string.
    assertEquals("-1099511627776", headers.get("negative"));
    List<Map<String, Object>> pythonView = python.command("peek-headers", QUEUE + ".dead", "1");
    assertEquals(1, pythonView.size(), pythonView.toString());
    @SuppressWarnings("unchecked")
    Map<String, List<String>> read = (Map<String, List<String>>) pythonView.get(0).get("headers");
    assertEquals(List.of("str"), read.get("x-celeriac-reason").subList(1, 2), read.toString());
    read.remove("x-celeriac-reason");
    assertEquals(Map.of(
            "big", List.of("1099511627776", "int"),
            "nested", List.of("{'deep': 34359738368}", "dict"),
            "negative", List.of("'-1099511627776'", "str")),
        read, "the dead letter as py-amqp reads it");
    System.out.printf("amqp hostile headers: %d messages from py-amqp, %d with 64-bit integers ('L') or a 64 KiB"
            + " header among them, each ran once; the unknown task's dead letter kept its big headers; %d ms%n",
        sent.size(), 5, Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  private static Map<String, List<Run>> runsById() {
    return InteropTasks.runs().stream().collect(Collectors.groupingBy(Run::id));
  }
}
