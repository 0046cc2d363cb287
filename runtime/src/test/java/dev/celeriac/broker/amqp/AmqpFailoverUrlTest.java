package dev.celeriac.broker.amqp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.MutableClock;
import dev.celeriac.cli.Main;
import dev.celeriac.fixtures.MathTasks;
import dev.celeriac.fixtures.TestIndex;
import dev.celeriac.testsupport.Waits;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * kombu's failover list given to every part of Celeriac that connects: the producer, the worker with its remote
 * control and events, cron and the command line. The list's first node does not answer (nothing listens on its
 * port); the second is the machine's RabbitMQ.
 */
@Tag("rabbitmq")
class AmqpFailoverUrlTest {

  @Test
  void everyPartConnectsThroughTheListToTheNodeThatAnswers() throws Exception {
    TestRabbit.reset();
    MathTasks.RUNS.clear();
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    String url = "amqp://guest:guest@127.0.0.1:" + closed + "/" + TestRabbit.VHOST + ";amqp://guest:guest@127.0.0.1:5672";
    String masked = "amqp://guest:***@127.0.0.1:" + closed + "/" + TestRabbit.VHOST + ";amqp://guest:***@127.0.0.1:5672";
    try (Celeriac app = Celeriac.create(CeleriacConfig.builder().brokerUrl(url)
        .clock(new MutableClock(Instant.parse("2026-11-24T12:00:30Z"))).build())) {
      assertEquals(masked, app.broker().displayUrl());
      Worker worker = app.worker(WorkerOptions.builder().queues(List.of(TestIndex.TICK.queue())).concurrency(1)
          .hostname("failover@box").build()).start();
      try {
        assertEquals(1, app.cron().tick(), "cron fires the 12:00 slot of tests.tick");
        Waits.await("the worker to run the slot", Duration.ofSeconds(10), () -> MathTasks.RUNS.contains("tick"),
            () -> "runs " + MathTasks.RUNS);

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "inspect", "stats", "-d",
            "failover@box", "--broker", url), err.toString());
        assertTrue(out.toString().contains("\"alternates\": [\n"), out.toString());
        assertTrue(out.toString().contains("\"amqp://guest:***@127.0.0.1:" + closed + "/" + TestRabbit.VHOST + "\""),
            out.toString());
        assertTrue(out.toString().contains("1 node online."), out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "queues", "-Q",
            TestIndex.TICK.queue(), "--broker", url), err.toString());
        assertTrue(out.toString().contains("broker " + masked), out.toString());
        assertTrue(!out.toString().contains("guest:guest") && !err.toString().contains("guest:guest"), "no password");
      } finally {
        worker.stop(Duration.ofSeconds(5));
      }
    }
  }
}
