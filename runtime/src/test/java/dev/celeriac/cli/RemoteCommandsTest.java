package dev.celeriac.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code inspect} and {@code control} print what {@code celery inspect} and {@code celery control} print, here
 * against workers on an in-JVM {@code memory://} broker (their conversations with Python workers are in the
 * integration tests).
 */
class RemoteCommandsTest {

  private final String url = "memory://remote-" + UUID.randomUUID();
  private final Celeriac app = Celeriac.connect(url);
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private Worker worker;

  @AfterEach
  void stop() {
    if (worker != null) {
      worker.stop(Duration.ofSeconds(5));
    }
    app.close();
  }

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--broker";
    all[args.length + 1] = url;
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
  }

  private void startWorker() {
    worker = app.worker(WorkerOptions.builder().queues(List.of("math")).concurrency(1).hostname("w1@box").build())
        .start();
  }

  @Test
  void inspectPrintsEachNodesReplyAsCeleryDoes() {
    startWorker();
    assertEquals(0, run("inspect", "ping", "-t", "0.3"));
    assertEquals("->  w1@box: OK\n        pong\n\n1 node online.\n", out.toString());

    assertEquals(0, run("inspect", "registered", "-d", "w1@box"));
    assertTrue(out.toString().startsWith("->  w1@box: OK\n    * tests.add\n    * tests.block\n"), out.toString());
    assertEquals(0, run("inspect", "active", "-d", "w1@box"));
    assertEquals("->  w1@box: OK\n    - empty -\n\n1 node online.\n", out.toString());
    assertEquals(0, run("inspect", "stats", "-d", "w1@box"));
    assertTrue(out.toString().contains("\n    {\n        \"broker\": {\n"), out.toString());
    assertEquals(0, run("inspect", "ping", "-d", "w1@box", "--json"));
    assertEquals("{\"w1@box\": {\"ok\": \"pong\"}}\n", out.toString());
  }

  @Test
  void controlRevokesEvenWithoutWorkersAndStopsThemOnShutdown() throws Exception {
    assertEquals(0, run("control", "revoke", "id-1", "id-2", "-t", "0.2"));
    assertTrue(out.toString().contains("revoked id-1, id-2: stored on the broker for 10800 s"), out.toString());

    startWorker();
    assertEquals(0, run("inspect", "revoked", "-d", "w1@box"));
    assertEquals("->  w1@box: OK\n    * id-1\n    * id-2\n\n1 node online.\n", out.toString());
    assertEquals(0, run("control", "enable_events", "-d", "w1@box"));
    assertEquals("->  w1@box: OK\n        task events enabled\n\n1 node online.\n", out.toString());
    assertEquals(0, run("control", "revoke", "id-3", "--terminate", "-d", "w1@box"));
    assertTrue(out.toString().startsWith("->  w1@box: OK\n        terminate: tasks unknown\n"), out.toString());
    assertEquals(0, run("control", "shutdown"));
    assertEquals("shutdown sent to every worker\n", out.toString());
    worker.awaitStop();
  }

  @Test
  void noReplyIsAFailureAndBadUsageIsRefused() {
    assertEquals(1, run("inspect", "ping", "-t", "0.2"));
    assertEquals("celeriac: no nodes replied within 0.2 s\n", err.toString());
    assertEquals(2, run("inspect", "frobnicate"));
    assertTrue(err.toString().contains("unknown inspect action 'frobnicate'"), err.toString());
    assertEquals(2, run("control", "revoke"));
    assertTrue(err.toString().contains("revoke needs at least one task id"), err.toString());
  }
}
