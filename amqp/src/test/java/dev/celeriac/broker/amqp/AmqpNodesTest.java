package dev.celeriac.broker.amqp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Address;
import dev.celeriac.ConfigurationException;
import dev.celeriac.broker.BrokerUrl;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kombu's failover list read as kombu 5.2.4 reads it. The expected nodes are what kombu's own
 * {@code Connection(url)} reports for each URL of the list as {@code maybe_switch_next()} walks it once.
 */
class AmqpNodesTest {

  private static AmqpNodes nodes(String url) {
    return AmqpNodes.of(BrokerUrl.parseAll(url));
  }

  @Test
  void aLaterUrlTakesThePortAndVhostOfTheOneBeforeWhereItLeavesThemOut() {
    // kombu: (h1, 5673, vh), (h2, 5673, vh), (h3, 5674, vh)
    AmqpNodes nodes = nodes("amqp://u:p@h1:5673/vh;amqp://u:p@h2;amqp://u:p@h3:5674/");
    assertEquals(List.of(new Address("h1", 5673), new Address("h2", 5673), new Address("h3", 5674)),
        nodes.getAddresses());
    assertEquals("vh", nodes.vhost());
    assertEquals("u", nodes.user());
    assertEquals("p", nodes.password());
  }

  @Test
  void theFirstUrlWithoutPortOrVhostMeansTheDefaults() {
    // kombu: (h1, default, /), (h2, 5680, /)
    AmqpNodes nodes = nodes("amqp://u:p@h1;amqp://u:p@h2:5680//");
    assertEquals(List.of(new Address("h1", 5672), new Address("h2", 5680)), nodes.getAddresses());
    assertEquals("/", nodes.vhost());
    // kombu: (h1, default, sentry), (h2, default, sentry), with the first URL's TLS options for both
    AmqpNodes tls = nodes("amqps://u:p@h1/sentry?ssl_ca_certs=/ca.pem;amqps://u:p@h2");
    assertEquals(List.of(new Address("h1", 5671), new Address("h2", 5671)), tls.getAddresses());
    assertEquals("sentry", tls.vhost());
    assertTrue(tls.tls());
    assertEquals("/ca.pem", tls.first().query().get("ssl_ca_certs"));
  }

  @Test
  void nodesAreTriedInTheOrderWrittenNeverShuffled() {
    AmqpNodes nodes = nodes("amqp://u:p@a//;amqp://u:p@b//;amqp://u:p@c//;amqp://u:p@d//;amqp://u:p@e//");
    for (int i = 0; i < 20; i++) {
      assertEquals(nodes.getAddresses(), nodes.maybeShuffle(nodes.getAddresses()));
    }
    assertEquals(List.of("a", "b", "c", "d", "e"), nodes.hosts());
  }

  @Test
  void theDisplayedListMasksEveryPassword() {
    AmqpNodes nodes = nodes("amqp://u:s3cret@h1:5672//;amqp://u:s3cret@h2:5673//");
    assertEquals("amqp://u:***@h1:5672//;amqp://u:***@h2:5673//", nodes.display());
  }

  @Test
  void aUrlWithoutAUserLogsInAsGuestAsInKombuSoAListMixingThemIsRefused() {
    // kombu: (h1, 5672, /, u), (h2, 5672, /, guest): amqp-client has one login for every node.
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> nodes("amqp://u:s3cret@h1//;amqp://h2//"));
    assertTrue(e.getMessage().contains("logs in to h2 as 'guest' (none written) and to h1 as 'u'"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    assertThrows(ConfigurationException.class, () -> nodes("amqp://u:one@h1//;amqp://u:two@h2//"));
  }

  @Test
  void nodesWithDifferentVhostsSchemesOrTlsOptionsAreRefused() {
    ConfigurationException vhosts = assertThrows(ConfigurationException.class,
        () -> nodes("amqp://u:p@h1/a;amqp://u:p@h2/b"));
    assertTrue(vhosts.getMessage().contains("names the vhosts 'a' and 'b'"), vhosts.getMessage());
    // An explicit vhost after a first URL without one: kombu uses / on h1 and b on h2.
    assertThrows(ConfigurationException.class, () -> nodes("amqp://u:p@h1;amqp://u:p@h2/b"));
    ConfigurationException schemes = assertThrows(ConfigurationException.class,
        () -> nodes("amqp://u:p@h1//;amqps://u:p@h2//"));
    assertTrue(schemes.getMessage().contains("mixes amqp:// and amqps://"), schemes.getMessage());
    assertThrows(ConfigurationException.class,
        () -> nodes("amqps://u:p@h1//?ssl_ca_certs=/a.pem;amqps://u:p@h2//?ssl_ca_certs=/b.pem"));
    ConfigurationException other = assertThrows(ConfigurationException.class,
        () -> nodes("amqp://u:p@h1//;redis://h2:6379/0"));
    assertTrue(other.getMessage().contains("not an amqp:// or amqps:// URL"), other.getMessage());
  }

  @Test
  void anEmptyEntryIsRefused() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> BrokerUrl.parseAll("amqp://u:s3cret@h1//;;amqp://u:s3cret@h2//"));
    assertTrue(e.getMessage().contains("empty entry"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
  }
}
