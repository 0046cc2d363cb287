package dev.celeriac.broker.redis;

import static dev.celeriac.fleet.FleetCaptures.body;
import static dev.celeriac.fleet.FleetCaptures.capture;
import static dev.celeriac.fleet.FleetCaptures.json;
import static dev.celeriac.fleet.FleetCaptures.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.EnqueueOptions;
import dev.celeriac.broker.ControlMailbox;
import dev.celeriac.control.ControlClient;
import dev.celeriac.fleet.FleetCaptures;
import dev.celeriac.logging.RecordingLogs;
import dev.celeriac.protocol.Ids;
import dev.celeriac.protocol.MessageCodec;
import dev.celeriac.worker.Outcome;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * A Celeriac worker's events and remote control on Redis, byte for byte where kombu fixes it, against captures of
 * Celery 5.2.6 ({@code fleet-examples/redis}): the fanout channels, the envelopes, the event fields, and the replies
 * to requests replayed from a Python client's capture.
 */
@Tag("redis")
class RedisFleetWireTest {

  private static final String NODE = "w1@fleet";

  private final List<String[]> published = new CopyOnWriteArrayList<>();
  private final List<Worker> workers = new ArrayList<>();
  private Celeriac app;
  private Jedis subscriber;
  private JedisPubSub subscription;
  private Thread listening;

  @BeforeEach
  void start() {
    TestRedis.flush();
    app = Celeriac.create(CeleriacConfig.builder().brokerUrl(TestRedis.URL).registry(FleetCaptures.TASKS).build());
  }

  @AfterEach
  void stop() throws InterruptedException {
    workers.forEach(worker -> worker.stop(Duration.ofSeconds(10)));
    if (subscription != null) {
      subscription.punsubscribe();
      listening.join(5_000);
      subscriber.close();
    }
    app.close();
  }

  private Worker worker(String node, WorkerOptions.Builder options) {
    Worker worker = app.worker(options.queues(List.of(FleetCaptures.QUEUE)).hostname(node).concurrency(1).build());
    workers.add(worker);
    return worker.start();
  }

  /** Records every message published on channels matching {@code pattern}, as channel and payload. */
  private void listen(String pattern) throws InterruptedException {
    subscriber = TestRedis.connect();
    subscription = new JedisPubSub() {
      @Override
      public void onPMessage(String matched, String channel, String message) {
        published.add(new String[] {channel, message});
      }
    };
    listening = new Thread(() -> subscriber.psubscribe(subscription, pattern));
    listening.start();
    FleetCaptures.await("the subscription", subscription::isSubscribed);
  }

  /** The channel a capture was published on, in the test database instead of database 1. */
  private static String channelOf(JsonNode capture) {
    return capture.path("command").get(1).asText().replaceFirst("^/1\\.", "/" + TestRedis.DATABASE + ".");
  }

  /** kombu's envelope: the same fields, properties and headers as the capture's. */
  private static void assertEnvelopeLike(JsonNode expected, JsonNode actual) {
    assertEquals(names(expected), names(actual), "envelope fields");
    assertEquals(new TreeSet<>(names(expected.path("properties"))), new TreeSet<>(names(actual.path("properties"))),
        "envelope properties");
    for (String property : List.of("delivery_mode", "priority", "body_encoding")) {
      assertEquals(expected.path("properties").path(property), actual.path("properties").path(property), property);
    }
    assertEquals(expected.path("properties").path("delivery_info").path("exchange"),
        actual.path("properties").path("delivery_info").path("exchange"));
    assertEquals(names(expected.path("headers")), names(actual.path("headers")), "headers");
    assertEquals(expected.path("content-type"), actual.path("content-type"));
    assertEquals(expected.path("content-encoding"), actual.path("content-encoding"));
  }

  @Test
  void eventsAreKombuFanoutMessagesWithCeleryFields() throws Exception {
    listen("/" + TestRedis.DATABASE + ".celeryev/*");
    Worker worker = worker(NODE, WorkerOptions.builder().taskEvents(true));
    ControlClient client = new ControlClient(app.broker().fleet().orElseThrow().mailbox());
    String revoked = Ids.uuid();
    client.cast("revoke", Map.of("task_id", revoked), ControlClient.Selection.ALL);
    FleetCaptures.await("the revoke", () -> worker.state().revoked().contains(revoked));
    app.send("fleet.ok", List.of(), Map.of(), EnqueueOptions.DEFAULTS);
    app.send("fleet.fail", List.of(), Map.of(), EnqueueOptions.DEFAULTS);
    app.send("fleet.retry", List.of(), Map.of(), EnqueueOptions.DEFAULTS);
    Instant past = Instant.now().minusSeconds(60);
    app.broker().publish(FleetCaptures.QUEUE, MessageCodec.newMessage(new MessageCodec.NewMessage("fleet.ok",
        Ids.uuid(), List.of(), Map.of(), null, past, null, null, null, 0, null)));
    app.broker().publish(FleetCaptures.QUEUE, MessageCodec.newMessage(new MessageCodec.NewMessage("fleet.ok",
        revoked, List.of(), Map.of(), null, null, null, null, null, 0, null)));
    FleetCaptures.await("every task to end", () -> worker.count(Outcome.SUCCEEDED) == 2
        && worker.count(Outcome.DEAD_LETTERED) == 1 && worker.count(Outcome.EXPIRED) == 1
        && worker.count(Outcome.REVOKED) == 1);
    assertEquals(Map.of("ok", "task events already enabled"), client.call("enable_events", Map.of(),
        ControlClient.Selection.ALL, Duration.ofMillis(500), reply -> {}).get(0).value());
    client.cast("heartbeat", Map.of(), ControlClient.Selection.ALL);
    FleetCaptures.await("the heartbeat the cast asked for (freq 5)", () -> published.stream().anyMatch(
        m -> m[0].endsWith("worker.heartbeat") && body(json(m[1])).path("freq").asInt() == 5));
    worker.stop(Duration.ofSeconds(10));
    FleetCaptures.await("worker-offline", () -> published.stream().anyMatch(m -> m[0].endsWith("worker.offline")));

    List<JsonNode> taskEvents = new ArrayList<>();
    Map<String, JsonNode> workerEvents = new java.util.LinkedHashMap<>();
    for (String[] message : published) {
      JsonNode envelope = json(message[1]);
      JsonNode body = body(envelope);
      assertEquals(message[0], "/" + TestRedis.DATABASE + ".celeryev/"
          + envelope.path("properties").path("delivery_info").path("routing_key").asText());
      if (message[0].endsWith("/task.multi")) {
        assertEnvelopeLike(capture("redis/event-task-received.json").path("envelope"), envelope);
        assertTrue(body.isArray() && body.size() <= 24, "task events go out in task.multi arrays: " + body);
        body.forEach(taskEvents::add);
      } else {
        String type = body.path("type").asText();
        JsonNode expected = capture("redis/event-" + type + ".json");
        assertEquals(channelOf(expected), message[0]);
        assertEnvelopeLike(expected.path("envelope"), envelope);
        assertEquals(NODE, envelope.path("headers").path("hostname").asText());
        workerEvents.putIfAbsent(type + (body.path("freq").asInt() == 5 ? "-on-demand" : ""), body);
      }
    }
    for (String type : List.of("worker-online", "worker-offline", "worker-heartbeat-on-demand")) {
      JsonNode event = workerEvents.get(type);
      assertNotNull(event, type + " in " + workerEvents.keySet());
      assertEquals(names(capture("redis/event-" + type + ".json").path("body_decoded")), names(event), type);
    }
    Map<String, List<String>> fields = FleetCaptures.fieldsByType(taskEvents);
    for (String type : List.of("task-received", "task-started", "task-succeeded", "task-failed", "task-retried")) {
      assertEquals(names(capture("redis/event-" + type + ".json").path("body_decoded").get(0)), fields.get(type),
          type);
    }
    assertEquals(names(capture("redis/event-task-revoked.json").path("body_decoded").get(0)),
        fields.get("task-revoked"));
    JsonNode expired = taskEvents.stream().filter(event -> event.path("expired").asBoolean()).findFirst().orElseThrow();
    assertEquals(capture("redis/event-task-revoked-expired.json").path("body_decoded").get(0).path("terminated"),
        expired.path("terminated"));
    for (JsonNode event : taskEvents) {
      assertEquals(NODE, event.path("hostname").asText());
      assertTrue(event.path("timestamp").isDouble() && event.path("clock").isIntegralNumber(), event.toString());
      assertEquals(0, event.path("utcoffset").asInt(), "the machine runs on UTC, as in the captures");
    }
  }

  @Test
  void aPythonClientsCapturedRequestsAreAnsweredAsAPythonWorkerAnswers() throws Exception {
    Worker worker = worker(NODE, WorkerOptions.builder());
    String clientId = Ids.uuid();
    String replyQueue = clientId + ".reply.celery.pidbox";
    try (Jedis redis = TestRedis.connect()) {
      redis.sadd("_kombu.binding.reply.celery.pidbox", clientId + "\u0006\u0016\u0006\u0016" + replyQueue);

      JsonNode ping = replay(redis, capture("redis/pidbox-request-ping.json"), clientId);
      JsonNode expected = capture("redis/pidbox-reply-ping.json");
      List<String> reply = redis.brpop(5, replyQueue);
      assertNotNull(reply, "a reply to the captured ping");
      JsonNode envelope = json(reply.get(1));
      assertEnvelopeLike(expected.path("envelope"), envelope);
      assertEquals(clientId, envelope.path("properties").path("delivery_info").path("routing_key").asText());
      assertEquals(ping.path("ticket").asText(), envelope.path("headers").path("ticket").asText());
      assertEquals(json("{\"" + NODE + "\": {\"ok\": \"pong\"}}"), body(envelope));

      replay(redis, capture("redis/mingle-hello-request.json"), clientId);
      JsonNode hello = body(json(redis.brpop(5, replyQueue).get(1))).path(NODE);
      assertEquals(names(capture("redis/mingle-hello-reply.json").path("body_decoded").path("w1@fleet")),
          names(hello));

      String revoked = capture("redis/pidbox-revoke-cast-noreply.json").path("body_decoded").path("arguments")
          .path("task_id").asText();
      replay(redis, capture("redis/pidbox-revoke-cast-noreply.json"), clientId);
      FleetCaptures.await("the captured revoke to be taken", () -> worker.state().revoked().contains(revoked));
      assertEquals(0, redis.llen(replyQueue), "a cast gets no reply");
    }
  }

  /** Publishes a captured request again, its reply address changed to {@code clientId}; returns its body. */
  private static JsonNode replay(Jedis redis, JsonNode capture, String clientId) {
    ObjectNode body = (ObjectNode) capture.path("body_decoded").deepCopy();
    if (body.has("reply_to")) {
      ((ObjectNode) body.path("reply_to")).put("routing_key", clientId);
    }
    ObjectNode envelope = (ObjectNode) capture.path("envelope").deepCopy();
    envelope.put("body", Base64.getEncoder().encodeToString(body.toString().getBytes(StandardCharsets.UTF_8)));
    redis.publish(channelOf(capture), envelope.toString());
    return body;
  }

  @Test
  void requestsGoOutAsAPythonClientSendsThem() throws Exception {
    listen("/" + TestRedis.DATABASE + ".celery.pidbox");
    worker(NODE, WorkerOptions.builder());
    ControlMailbox mailbox = app.broker().fleet().orElseThrow().mailbox();
    List<ControlClient.Reply> replies = new ControlClient(mailbox).call("ping", Map.of(), ControlClient.Selection.ALL,
        Duration.ofMillis(500), reply -> {});
    assertEquals(List.of(new ControlClient.Reply(NODE, Map.of("ok", "pong"))), replies);

    JsonNode expected = capture("redis/pidbox-request-ping.json");
    String[] request = published.get(0);
    assertEquals(channelOf(expected), request[0]);
    JsonNode envelope = json(request[1]);
    assertEnvelopeLike(expected.path("envelope"), envelope);
    assertEquals(names(expected.path("body_decoded")), names(body(envelope)));
    try (Jedis redis = TestRedis.connect()) {
      assertEquals(0, redis.scard("_kombu.binding.reply.celery.pidbox"), "the reply queue is unbound after the call");
    }
  }

  @Test
  void twoWorkersWithOneNameAreWarnedAbout() {
    worker(NODE, WorkerOptions.builder());
    int before = RecordingLogs.lines().size();
    worker(NODE, WorkerOptions.builder());
    assertTrue(RecordingLogs.lines().subList(before, RecordingLogs.lines().size()).stream()
        .anyMatch(line -> line.message().contains("Received a mingle reply from another node named " + NODE)),
        "the second worker's mingle met the first");
  }

  @Test
  void theRevokeStoreKeepsTheLatestExpiryAndDropsExpiredIds() {
    RedisRevokeStore store = (RedisRevokeStore) app.broker().fleet().orElseThrow().revokes();
    Instant now = Instant.now();
    store.add(List.of("a", "b"), now.plusSeconds(60));
    store.add(List.of("a"), now.plusSeconds(30));
    store.add(List.of("gone"), now.minusSeconds(1));
    Map<String, Instant> loaded = store.load(now);
    assertEquals(new TreeSet<>(List.of("a", "b")), new TreeSet<>(loaded.keySet()));
    assertEquals(now.plusSeconds(60).toEpochMilli(), loaded.get("a").toEpochMilli());
    try (Jedis redis = TestRedis.connect()) {
      assertEquals(2, redis.zcard("celeriac:revoked"));
    }
  }
}
