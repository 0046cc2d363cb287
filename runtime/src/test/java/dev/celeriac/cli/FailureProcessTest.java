package dev.celeriac.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A runtime failure as an operator sees it in a terminal, logging included: exit 1, and on standard error one
 * line with the reason, without the password of the broker URL.
 */
class FailureProcessTest {

  @ParameterizedTest
  @ValueSource(strings = {"redis://:s3cret-pw@127.0.0.1:1/0", "amqp://guest:s3cret-pw@127.0.0.1:1/celeriac-test"})
  void anUnreachableBrokerIsOneLineOnStandardErrorAndExitOne(String url) throws Exception {
    String name = "unreachable-" + url.substring(0, url.indexOf(':'));
    ChildJvm.Finished queues = ChildJvm.runToExit(Path.of("target", "process-tests"), name, Duration.ofSeconds(60),
        "queues", "--broker", url);

    assertEquals(Main.FAILURE, queues.exit(), queues.err());
    assertEquals(1, queues.err().lines().count(), queues.err());
    assertTrue(queues.err().startsWith("celeriac: "), queues.err());
    assertTrue(queues.err().contains("127.0.0.1:1"), queues.err());
    assertFalse(queues.err().contains("s3cret-pw"), queues.err());
    assertEquals("", queues.out());
  }
}
