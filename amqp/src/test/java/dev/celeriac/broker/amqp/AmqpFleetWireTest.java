package dev.celeriac.broker.amqp;

import static dev.celeriac.fleet.FleetCaptures.capture;
import static dev.celeriac.fleet.FleetCaptures.json;
import static dev.celeriac.fleet.FleetCaptures.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.EnqueueOptions;
import dev.celeriac.broker.RevokeStore;
import dev.celeriac.fleet.FleetCaptures;
import dev.celeriac.logging.RecordingLogs;
import dev.celeriac.protocol.Ids;
import dev.celeriac.testsupport.Waits;
import dev.celeriac.worker.Outcome;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A Celeriac worker's events, remote control and revoke store on RabbitMQ, against captures of Celery 5.2.6
 * ({@code fleet-examples/amqp}): the entities as {@code rabbitmqctl} listed Celery's, the properties and header
 * types of events and replies, and a captured Python request replayed.
 */
@Tag("rabbitmq")
class AmqpFleetWireTest {

  private static final String NODE = "w1@fleet";

  private final List<Worker> workers = new ArrayList<>();
  private Celeriac app;
  private Connection connection;
  private Channel channel;

  @BeforeEach
  void start() throws Exception {
    TestRabbit.reset();
    app = Celeriac.create(CeleriacConfig.builder().brokerUrl(TestRabbit.URL).registry(FleetCaptures.TASKS).build());
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(TestRabbit.URL);
    connection = factory.newConnection("fleet wire test");
    channel = connection.createChannel();
  }

  @AfterEach
  void stop() throws Exception {
    workers.forEach(worker -> worker.stop(Duration.ofSeconds(10)));
    connection.close();
    app.close();
  }

  private Worker worker(String node, WorkerOptions.Builder options) {
    Worker worker = app.worker(options.queues(List.of(FleetCaptures.QUEUE)).hostname(node).concurrency(1).build());
    workers.add(worker);
    return worker.start();
  }

  private static JsonNode api(String path) {
    return json(TestRabbit.call("GET", path.replace("{vhost}", TestRabbit.VHOST), null, 200));
  }

  @Test
  void entitiesAreCelerysAndEventsCarryItsProperties() throws Exception {
    Worker worker = worker(NODE, WorkerOptions.builder().taskEvents(true));
    // A receiver's queue on every event, as Celery's EventReceiver binds one.
    String events = channel.queueDeclare().getQueue();
    channel.queueBind(events, "celeryev", "#");
    String id = app.send("fleet.ok", List.of(), Map.of(), EnqueueOptions.DEFAULTS).id();
    FleetCaptures.await("the task", () -> worker.count(Outcome.SUCCEEDED) == 1);

    // rabbitmqctl list_exchanges / list_queues of Celery's worker (queues-exchanges-bindings.txt).
    JsonNode celeryev = api("/exchanges/{vhost}/celeryev");
    assertEquals(List.of("topic", "true", "false"), List.of(celeryev.path("type").asText(),
        celeryev.path("durable").asText(), celeryev.path("auto_delete").asText()));
    JsonNode pidbox = api("/exchanges/{vhost}/celery.pidbox");
    assertEquals(List.of("fanout", "false", "false"), List.of(pidbox.path("type").asText(),
        pidbox.path("durable").asText(), pidbox.path("auto_delete").asText()));
    JsonNode queue = api("/queues/{vhost}/" + NODE + ".celery.pidbox");
    assertEquals(List.of("false", "true"), List.of(queue.path("durable").asText(), queue.path("auto_delete").asText()));
    assertEquals(json("{\"x-expires\":10000,\"x-message-ttl\":300000}"), queue.path("arguments"));
    assertTrue(api("/queues/{vhost}/" + NODE + ".celery.pidbox/bindings").toString()
        .contains("\"source\":\"celery.pidbox\""));

    JsonNode expected = capture("amqp/event-task-multi.json");
    AtomicReference<GetResponse> found = new AtomicReference<>();
    Waits.await("a task.multi message on celeryev", Duration.ofSeconds(10), () -> {
      for (GetResponse next = channel.basicGet(events, true); next != null; next = channel.basicGet(events, true)) {
        if (next.getEnvelope().getRoutingKey().equals("task.multi")
            && new String(next.getBody(), StandardCharsets.UTF_8).contains(id)) {
          found.set(next);
          return true;
        }
      }
      return false;
    });
    GetResponse multi = found.get();
    assertNotNull(multi, "a task.multi message on celeryev");
    assertEquals("celeryev", multi.getEnvelope().getExchange());
    assertProperties(expected, multi.getProps());
    assertTrue(json(multi.getBody()).isArray());
    assertEquals(names(expected.path("body").get(0)), names(json(multi.getBody()).get(0)));
  }

  /** The properties and header types of a capture: {@code S} strings, {@code I} integers. */
  private static void assertProperties(JsonNode expected, AMQP.BasicProperties actual) {
    JsonNode properties = expected.path("properties");
    assertEquals(properties.path("delivery_mode").asInt(), actual.getDeliveryMode());
    assertEquals(properties.path("priority").asInt(), actual.getPriority());
    assertEquals(properties.path("content_type").asText(), actual.getContentType());
    assertEquals(properties.path("content_encoding").asText(), actual.getContentEncoding());
    Map<String, String> types = new LinkedHashMap<>();
    actual.getHeaders().forEach((name, value) -> types.put(name, value instanceof com.rabbitmq.client.LongString ? "S"
        : value instanceof Integer ? "I" : value instanceof Double ? "d" : value.getClass().getSimpleName()));
    Map<String, String> expectedTypes = new LinkedHashMap<>();
    expected.path("header_types").fields().forEachRemaining(field -> expectedTypes.put(field.getKey(),
        field.getValue().asText()));
    assertEquals(expectedTypes, types, "header types");
  }

  @Test
  void aPythonClientsCapturedPingIsAnsweredAsAPythonWorkerAnswers() throws Exception {
    worker(NODE, WorkerOptions.builder());
    String clientId = Ids.uuid();
    String replies = channel.queueDeclare(clientId + ".reply.celery.pidbox", false, false, true,
        Map.of("x-expires", 10_000, "x-message-ttl", 300_000)).getQueue();
    channel.queueBind(replies, "reply.celery.pidbox", clientId);
    JsonNode request = capture("amqp/pidbox-request-ping.json");
    ObjectNode body = (ObjectNode) request.path("body").deepCopy();
    ((ObjectNode) body.path("reply_to")).put("routing_key", clientId);
    channel.basicPublish("celery.pidbox", "", new AMQP.BasicProperties.Builder().contentType("application/json")
        .contentEncoding("utf-8").deliveryMode(2).priority(0)
        .headers(Map.of("clock", 1, "expires", Instant.now().getEpochSecond() + 1.0)).build(),
        body.toString().getBytes(StandardCharsets.UTF_8));

    GetResponse reply = Awaitility.await("a reply to the captured ping").atMost(Duration.ofSeconds(10))
        .pollDelay(Duration.ZERO).pollInterval(Waits.POLL_INTERVAL)
        .until(() -> channel.basicGet(replies, true), Objects::nonNull);
    assertNotNull(reply, "a reply to the captured ping");
    JsonNode expected = capture("amqp/pidbox-reply-ping.json");
    assertEquals(expected.path("exchange").asText(), reply.getEnvelope().getExchange());
    assertEquals(clientId, reply.getEnvelope().getRoutingKey());
    assertProperties(expected, reply.getProps());
    assertEquals(body.path("ticket").asText(), reply.getProps().getHeaders().get("ticket").toString());
    assertEquals(json("{\"" + NODE + "\": {\"ok\": \"pong\"}}"), json(reply.getBody()));
    JsonNode reference = api("/exchanges/{vhost}/reply.celery.pidbox");
    assertEquals(List.of("direct", "false"), List.of(reference.path("type").asText(),
        reference.path("durable").asText()));
  }

  @Test
  void revokesInTheStreamOutliveTheConnectionThatWroteThem() {
    RevokeStore store = app.broker().fleet().orElseThrow().revokes();
    Instant now = Instant.now();
    store.add(List.of("a", "b"), now.plusSeconds(60));
    store.add(List.of("a"), now.plusSeconds(120));
    store.add(List.of("gone"), now.minusSeconds(1));
    try (Celeriac other = Celeriac.connect(TestRabbit.URL)) {
      Map<String, Instant> loaded = other.broker().fleet().orElseThrow().revokes().load(now);
      assertEquals(new TreeSet<>(List.of("a", "b")), new TreeSet<>(loaded.keySet()));
      assertEquals(now.plusSeconds(120).toEpochMilli(), loaded.get("a").toEpochMilli());
      // A second reader finds the same: reading takes nothing away.
      assertEquals(loaded, other.broker().fleet().orElseThrow().revokes().load(now));
    }
    JsonNode stream = api("/queues/{vhost}/celeriac.revoked");
    assertEquals("stream", stream.path("type").asText());
    assertTrue(!app.broker().queueNames().contains("celeriac.revoked"), "not listed as a task queue");
  }

  @Test
  void theMailboxComesBackAfterTheControlConnectionIsLost() throws Exception {
    worker(NODE, WorkerOptions.builder());
    dev.celeriac.control.ControlClient client = new dev.celeriac.control.ControlClient(
        app.broker().fleet().orElseThrow().mailbox());
    int before = RecordingLogs.lines().size();
    // The management API lists a connection some time after it opens: asked five times a second.
    String connection = Awaitility.await("the worker's control connection").atMost(Duration.ofSeconds(20))
        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          for (JsonNode listed : api("/vhosts/{vhost}/connections")) {
            if (listed.path("client_properties").path("connection_name").asText().equals("celeriac control")) {
              return listed.path("name").asText();
            }
          }
          return null;
        }, Objects::nonNull);
    assertNotNull(connection, "the worker's control connection");
    TestRabbit.call("DELETE", "/connections/" + java.net.URLEncoder.encode(connection, StandardCharsets.UTF_8)
        .replace("+", "%20"), null, 204);

    // Each call waits 500 ms for replies; one that fails while the connection recovers is tried again.
    List<dev.celeriac.control.ControlClient.Reply> replies = Awaitility.await("a pong after recovery")
        .atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
        .ignoreException(dev.celeriac.broker.BrokerException.class)
        .until(() -> client.call("ping", Map.of(), dev.celeriac.control.ControlClient.Selection.ALL,
            Duration.ofMillis(500), reply -> {}), found -> !found.isEmpty());
    assertEquals(List.of(new dev.celeriac.control.ControlClient.Reply(NODE, Map.of("ok", "pong"))), replies);
    List<String> lines = RecordingLogs.lines().subList(before, RecordingLogs.lines().size()).stream()
        .map(RecordingLogs.Line::message).toList();
    assertTrue(lines.stream().noneMatch(line -> line.contains("celeriac.revoked")),
        "the revoke stream's short-lived channels are not recovered: " + lines);
  }

  @Test
  void twoWorkersWithOneNameAreWarnedAbout() {
    worker(NODE, WorkerOptions.builder());
    int before = RecordingLogs.lines().size();
    worker(NODE, WorkerOptions.builder());
    List<String> lines = RecordingLogs.lines().subList(before, RecordingLogs.lines().size()).stream()
        .map(RecordingLogs.Line::message).toList();
    assertTrue(lines.stream().anyMatch(line -> line.contains("Received a mingle reply from another node named " + NODE)),
        lines.toString());
    assertTrue(lines.stream().anyMatch(line -> line.contains("A node named " + NODE
        + " is already using this process mailbox")), lines.toString());
  }
}
