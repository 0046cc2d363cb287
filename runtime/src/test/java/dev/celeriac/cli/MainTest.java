package dev.celeriac.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class MainTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void tasksListsEveryIndexedTask() {
    assertEquals(0, run("tasks"));

    String listing = out.toString();
    assertTrue(listing.contains("tests.add\n  queue     math\n  keywords  x: int (required), y: int = 1, **kwargs\n"
        + "  retry     max 3 retries, 180s apart\n  schedule  -\n  runs      dev.celeriac.fixtures.MathTasks#add\n"),
        listing);
    assertTrue(listing.contains("py.remote\n  queue     python\n"), listing);
    assertTrue(listing.contains("runs      elsewhere (declared by dev.celeriac.fixtures.RemoteApi#remote)"), listing);
    assertTrue(listing.contains("tests.tags\n  queue     math\n  keywords  tags: List<String> = null, **kwargs"), listing);
    assertTrue(listing.contains("tests.tick\n  queue     cron\n"), listing);
    assertTrue(listing.contains("  schedule  * * * * * (UTC)\n"), listing);
    assertTrue(listing.endsWith("6 tasks\n"), listing);
  }

  @Test
  void unknownCommandIsUsageError() {
    assertEquals(2, run("frobnicate"));
    assertTrue(err.toString().contains("Unmatched argument"), err.toString());
  }

  @Test
  void badBrokerIsConfigurationErrorWithOneLineReason() {
    assertEquals(2, run("run", "worker", "--broker", "kafka://u:hunter2@h"));
    assertEquals("celeriac: unsupported broker scheme 'kafka' in kafka://u:***@h; this build supports memory://, redis://, rediss://, amqp:// and amqps://\n",
        err.toString());
  }

  @Test
  void helpEverywhere() {
    assertEquals(0, run("--help"));
    assertEquals(0, run("run", "worker", "--help"));
    assertTrue(out.toString().contains("-Q, --queues=QUEUE"), out.toString());
    assertEquals(0, run("tasks", "--help"));
  }

  @Test
  void runWithoutProcessIsUsageError() {
    assertEquals(2, run("run"));
  }

  private int run(String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }
}
