package dev.celeriac.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Node names as Celery's {@code -n} makes them ({@code celery/utils/nodenames.py}, {@code default_nodename}, {@code host_format}). */
class NodeNamesTest {

  private static final String HOST = "web-3.prod.example.com";

  @Test
  void abbreviationsExpandFromThisMachinesHostName() {
    assertEquals("w1@web-3.prod.example.com", NodeNames.expand("w1@%h", HOST));
    assertEquals("web-3@prod.example.com", NodeNames.expand("%n@%d", HOST));
    assertEquals("w0@web-3", NodeNames.expand("w%i@%n", HOST));
    assertEquals("w@web-3", NodeNames.expand("w%I@%n", HOST));
    assertEquals("100%@web-3", NodeNames.expand("100%%@%n", HOST));
  }

  @Test
  void aHostAloneGetsTheDefaultNameAndNothingGetsTheDefaultNode() {
    assertEquals("celeriac@box", NodeNames.expand("box", HOST));
    assertEquals("celeriac@web-3.prod.example.com", NodeNames.expand("%h", HOST));
    assertEquals("celeriac@web-3.prod.example.com", NodeNames.expand(NodeNames.DEFAULT, HOST));
    assertEquals("celeriac@web-3.prod.example.com", NodeNames.expand("@", HOST));
    assertEquals("celeriac@" + NodeNames.hostName(), WorkerOptions.builder().build().hostname());
  }

  @Test
  void anUnknownAbbreviationIsRefusedAsCeleryRefusesIt() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> NodeNames.expand("w@%x", HOST));
    assertTrue(error.getMessage().contains("%x"), error.getMessage());
    assertThrows(IllegalArgumentException.class, () -> NodeNames.expand(" ", HOST));
  }
}
