package dev.celeriac.broker.amqp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.impl.LongStringHelper;
import dev.celeriac.ConfigurationException;
import dev.celeriac.broker.BrokerUrl;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The RabbitMQ broker's pure parts: URLs, header types, delay routing. */
@Tag("rabbitmq")
class AmqpUnitsTest {

  @Test
  void vhostsAreReadAsKombuReadsThem() {
    assertEquals("/", AmqpNodes.vhost(BrokerUrl.parse("amqp://guest:guest@127.0.0.1:5672//")));
    assertEquals("/", AmqpNodes.vhost(BrokerUrl.parse("amqp://127.0.0.1")));
    assertEquals("/", AmqpNodes.vhost(BrokerUrl.parse("amqp://127.0.0.1/")));
    assertEquals("celeriac-test", AmqpNodes.vhost(BrokerUrl.parse("amqp://h/celeriac-test")));
    assertEquals("/prod", AmqpNodes.vhost(BrokerUrl.parse("amqp://h/%2Fprod")));
    assertEquals("a+b", AmqpNodes.vhost(BrokerUrl.parse("amqp://h/a+b")), "kombu unquotes, it does not unquote_plus");
  }

  @Test
  void aRefusedLoginIsAConfigurationErrorNamingTheBrokerWithoutThePassword() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> AmqpBroker.connect(
        BrokerUrl.parse("amqp://guest:s3cret-pw@127.0.0.1:5672/" + TestRabbit.VHOST), AmqpSettings.defaults()));
    assertTrue(e.getMessage().startsWith("RabbitMQ at amqp://guest:***@127.0.0.1:5672/" + TestRabbit.VHOST
        + " refused the credentials of the broker URL (ACCESS_REFUSED"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cret-pw"), e.getMessage());
  }

  @Test
  void headersUseOnlyFieldTypesBothClientsRead() {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("retries", 3L);
    headers.put("big", 5_000_000_000L);
    headers.put("negative-big", -5_000_000_000L);
    headers.put("short", (short) 7);
    headers.put("timelimit", Arrays.asList(null, 30));
    headers.put("stamps", Map.of("k", List.of(1.5f)));
    Map<String, Object> table = AmqpHeaders.toTable(headers);
    assertEquals(3, table.get("retries"));
    assertEquals(5_000_000_000L, table.get("big"));
    assertEquals("-5000000000", table.get("negative-big"));
    assertEquals(7, table.get("short"));
    assertEquals(Arrays.asList(null, 30), table.get("timelimit"));
    assertEquals(Map.of("k", List.of(1.5d)), table.get("stamps"));
  }

  @Test
  void headersPublishedAgainKeepOnlyTheTasksAndInTypesPyAmqpReads() {
    Map<String, Object> received = new LinkedHashMap<>();
    received.put("task", LongStringHelper.asLongString("tasks.add"));
    received.put("short", (short) 7);
    received.put("x-death", List.of(Map.of("count", 1L)));
    received.put(AmqpBroker.DEAD_REASON, LongStringHelper.asLongString("an earlier reason"));
    Map<String, Object> again = AmqpBroker.taskHeaders(
        new com.rabbitmq.client.AMQP.BasicProperties.Builder().headers(received).build());
    assertEquals(Map.of("task", "tasks.add", "short", 7), again);
  }

  @Test
  void receivedTablesBecomePlainValues() {
    Map<String, Object> table = new LinkedHashMap<>();
    table.put("task", LongStringHelper.asLongString("tasks.add"));
    table.put("timelimit", List.of(LongStringHelper.asLongString("x")));
    table.put("retries", 0);
    Map<String, Object> headers = AmqpHeaders.fromTable(table);
    assertEquals("tasks.add", headers.get("task"));
    assertEquals(List.of("x"), headers.get("timelimit"));
    assertEquals(0, headers.get("retries"));
  }

  @Test
  void theDelayRoutingKeySpellsTheSecondsInBinaryHighestFirst() {
    assertEquals("0.".repeat(27) + "1", AmqpTopology.delayRoutingKey(1));
    assertEquals("0.".repeat(18) + "1.0.0.1.0.1.1.0.0.0", AmqpTopology.delayRoutingKey(600));
    assertEquals(9, AmqpTopology.topLevel(600));
    assertEquals("1.#", AmqpTopology.levelPattern(27, '1'));
    assertEquals("*.".repeat(27) + "0.#", AmqpTopology.levelPattern(0, '0'));
    assertEquals("celeriac.delay.events.3", AmqpTopology.delayLevel("events", 3));
  }
}
