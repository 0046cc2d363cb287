package dev.celeriac.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.broker.Delivery;
import dev.celeriac.broker.memory.MemoryBroker;
import dev.celeriac.fixtures.AddTask;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MainTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void tasksListsEveryIndexedTask() {
    assertEquals(0, run("tasks"));

    String listing = out.toString();
    assertTrue(listing.contains("tests.add\n  queue     math\n  keywords  x: int (required), y: int = 1, **kwargs\n"
        + "  result    void\n  retry     max 3 retries, 180s apart\n  schedule  -\n  runs      dev.celeriac.fixtures.MathTasks#add\n"),
        listing);
    assertTrue(listing.contains("py.remote\n  queue     python\n"), listing);
    assertTrue(listing.contains("runs      elsewhere (declared by dev.celeriac.fixtures.RemoteApi#remote)"), listing);
    assertTrue(listing.contains("tests.tags\n  queue     math\n  keywords  tags: List<String> = null, **kwargs"), listing);
    assertTrue(listing.contains("tests.tick\n  queue     cron\n"), listing);
    assertTrue(listing.contains("  schedule  * * * * * (UTC)\n"), listing);
    assertTrue(listing.endsWith("7 tasks\n"), listing);
  }

  @Test
  void badResultBackendIsUsageError() {
    assertEquals(2, run("run", "worker", "--broker", "memory://", "--result-backend", "kafka://h"));
    assertTrue(err.toString().contains("result backend 'kafka://' is not supported"), err.toString());
  }

  @Test
  void unknownCommandIsUsageError() {
    assertEquals(2, run("frobnicate"));
    assertTrue(err.toString().contains("Unmatched argument"), err.toString());
  }

  @Test
  void badBrokerIsConfigurationErrorWithOneLineReason() {
    assertEquals(2, run("run", "worker", "--broker", "kafka://u:hunter2@h"));
    assertEquals("celeriac: unsupported broker scheme 'kafka' in kafka://u:***@h; this build supports memory://, redis://, rediss://, sentinel://, amqp:// and amqps://\n",
        err.toString());
  }

  @Test
  void helpEverywhere() {
    assertEquals(0, run("--help"));
    assertEquals(0, run("run", "worker", "--help"));
    assertTrue(out.toString().contains("-Q, --queues=QUEUE"), out.toString());
    assertEquals(0, run("tasks", "--help"));
    for (String[] command : new String[][] {{"queues"}, {"dead"}, {"dead", "list"}, {"dead", "requeue"},
        {"dead", "purge"}, {"purge"}, {"run", "cron"}}) {
      out.getBuffer().setLength(0);
      String[] help = java.util.Arrays.copyOf(command, command.length + 1);
      help[command.length] = "--help";
      assertEquals(0, run(help), String.join(" ", help));
      assertTrue(out.toString().startsWith("Usage: celeriac " + String.join(" ", command)), out.toString());
    }
    assertTrue(out.toString().contains("--metrics-port=PORT"), out.toString());
  }

  @Test
  void runWithoutProcessIsUsageError() {
    assertEquals(2, run("run"));
  }

  @Test
  void deadListRequeueAndPurgeWorkOnTheBrokersDeadLetters() throws InterruptedException {
    String url = "memory://cli-dead-" + UUID.randomUUID();
    try (Celeriac app = Celeriac.connect(url)) {
      AddTask.with().on(app).enqueue(1, 2);
      AddTask.with().on(app).enqueue(3, 4);
      for (Delivery delivery : app.broker().fetch(List.of("math"), 10, Duration.ofSeconds(1))) {
        delivery.deadLetter("bad arguments: missing required argument 'organization_id' (long)");
      }

      assertEquals(0, run("dead", "list", "-Q", "math", "--broker", url));
      String listing = out.toString();
      assertTrue(listing.startsWith("math: 2 dead letters\n"), listing);
      assertTrue(listing.contains("tests.add["), listing);
      assertTrue(listing.contains("    reason     bad arguments: missing required argument 'organization_id' (long)\n"),
          listing);
      assertTrue(listing.contains("    arguments  () {'x': 1, 'y': 2}\n"), listing);
      assertTrue(listing.endsWith("2 of 2 dead letters shown\n"), listing);

      out.getBuffer().setLength(0);
      assertEquals(0, run("dead", "list", "--raw", "-n", "1", "-Q", "math", "--broker", url));
      assertEquals(1, out.toString().lines().count(), out.toString());
      assertTrue(out.toString().startsWith("{\""), out.toString());

      out.getBuffer().setLength(0);
      assertEquals(0, run("dead", "requeue", "-Q", "math", "--broker", url));
      assertEquals("requeued 2 dead letters onto math\nrequeued 2 in all\n", out.toString());
      assertEquals(2, app.broker().stats("math").ready());
      assertEquals(0, app.broker().deadLetters().count("math"));

      for (Delivery delivery : app.broker().fetch(List.of("math"), 1, Duration.ofSeconds(1))) {
        delivery.deadLetter("failed without retry: boom");
      }
      out.getBuffer().setLength(0);
      assertEquals(0, run("dead", "purge", "-Q", "math", "--broker", url));
      assertEquals("dropped 1 dead letter of math\ndropped 1 in all\n", out.toString());

      out.getBuffer().setLength(0);
      assertEquals(0, run("purge", "-Q", "math", "--broker", url));
      assertEquals("purged 1 message from math\n", out.toString());
      assertEquals(0, app.broker().stats("math").ready());
    }
  }

  /**
   * Protocol 1 messages (Sentry's producers sent them) and other non-v2 ones are dead-lettered unrun; {@code dead
   * list} shows what can be read of them without running anything: a JSON protocol 1 body's task, id and arguments,
   * and of a pickle body only its size, since unpickling runs code the sender chose. Captured from Celery 5.2.6.
   */
  @Test
  void deadListShowsWhatANonV2MessageHoldsWithoutUnpicklingIt() throws Exception {
    String url = "memory://cli-dead-v1-" + UUID.randomUUID();
    try (Celeriac app = Celeriac.connect(url)) {
      MemoryBroker broker = (MemoryBroker) app.broker();
      for (String capture : List.of("protocol1_json", "protocol1_pickle", "protocol2_pickle")) {
        try (java.io.InputStream in = MainTest.class.getResourceAsStream(
            "/protocol-examples/redis_celery526_" + capture + ".json")) {
          broker.publishRaw("events", in.readAllBytes());
        }
        for (Delivery delivery : broker.fetch(List.of("events"), 1, Duration.ofSeconds(1))) {
          delivery.deadLetter("not protocol v2: " + capture);
        }
      }

      assertEquals(0, run("dead", "list", "-Q", "events", "--broker", url));
      List<String> lines = out.toString().lines().map(line -> line.replaceFirst("^  \\S+Z  ", "  <time>  ")).toList();
      assertEquals(List.of(
          "events: 3 dead letters",
          "  <time>  sentry.tasks.store.save_event[5a1f0c7e-1d2b-4c3a-9e8f-000000000001] (protocol 1)",
          "    reason     not protocol v2: protocol1_json",
          "    arguments  (42, 'event:1001') {'project_id': 42, 'reprocess': False}",
          "  <time>  (no task header: a pickle body of 286 bytes, never unpickled)",
          "    reason     not protocol v2: protocol1_pickle",
          "  <time>  sentry.tasks.store.save_event[5a1f0c7e-1d2b-4c3a-9e8f-000000000003]",
          "    reason     not protocol v2: protocol2_pickle",
          "    arguments  (42, 'event:1001') {'project_id': 42, 'reprocess': False}",
          "3 of 3 dead letters shown"), lines);
    }
  }

  @Test
  void purgeWithoutQueuesIsUsageError() {
    assertEquals(2, run("purge", "--broker", "memory://"));
    assertTrue(err.toString().contains("Missing required option: '--queues=QUEUE'"), err.toString());
  }

  @Test
  void outOfRangeFlagsAreUsageErrorsWithOneLineReasons() {
    assertEquals(2, run("run", "worker", "--broker", "memory://", "-c", "0"));
    assertEquals("celeriac: concurrency must be at least 1, was 0\n", err.toString());
    err.getBuffer().setLength(0);
    assertEquals(2, run("run", "worker", "--broker", "memory://", "--metrics-port", "70000"));
    assertEquals("celeriac: --metrics-port must be a port from 1 to 65535, or 0 for none; was 70000\n", err.toString());
  }

  @Test
  void deadWithoutActionIsUsageError() {
    assertEquals(2, run("dead"));
    assertTrue(err.toString().contains("missing action"), err.toString());
  }

  @Test
  void aTakenMetricsPortIsAConfigurationError() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
      assertEquals(2, run("run", "worker", "--broker", "memory://", "--metrics-port",
          Integer.toString(taken.getLocalPort())));
      assertTrue(err.toString().startsWith("celeriac: can't serve metrics on port " + taken.getLocalPort()),
          err.toString());
    }
  }

  @Test
  void runtimeFailureIsOneLineWithoutThePasswordAndExitsOne() {
    // Nothing listens on port 1: the broker is unreachable, a runtime failure rather than a bad configuration. The
    // inspecting commands try once, without waiting out the connect timeout.
    assertEquals(1, run("queues", "--broker", "redis://:s3cret-pw@127.0.0.1:1/0"));
    assertEquals("celeriac: Redis at redis://:***@127.0.0.1:1/0 did not answer (Connection refused); is it running,"
        + " and are the host and port right?\n", err.toString());

    err.getBuffer().setLength(0);
    assertEquals(1, run("dead", "list", "--broker", "amqp://guest:s3cret-pw@127.0.0.1:1/celeriac-test"));
    assertEquals("celeriac: RabbitMQ at amqp://guest:***@127.0.0.1:1/celeriac-test did not answer (Connection"
        + " refused); is it running, and are the host and port right?\n", err.toString());
  }

  @Test
  void passwordsInClientLibraryReasonsAreMasked() {
    assertEquals("failed to reach redis://:***@10.0.0.1:6380/2 and amqp://guest:***@rabbit/ via rediss://h:6379/0",
        Main.withoutPasswords("failed to reach redis://:pw@10.0.0.1:6380/2 and amqp://guest:a:b%40c@rabbit/"
            + " via rediss://h:6379/0"));
  }

  private int run(String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }
}
