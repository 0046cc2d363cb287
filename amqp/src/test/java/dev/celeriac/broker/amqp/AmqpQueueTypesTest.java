package dev.celeriac.broker.amqp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.celeriac.broker.BrokerUrl;
import dev.celeriac.broker.DeadLetter;
import dev.celeriac.broker.Delivery;
import dev.celeriac.broker.MessagePublisher.Outgoing;
import dev.celeriac.broker.amqp.AmqpSettings.QueueType;
import dev.celeriac.protocol.MessageCodec;
import dev.celeriac.protocol.TaskMessage;
import dev.celeriac.testsupport.Waits;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Queues of every type on the machine's RabbitMQ, vhost celeriac-test: those another client declared with its own
 * arguments are used as they are, and {@link QueueType#QUORUM} creates quorum queues with a delivery limit.
 */
@Tag("rabbitmq")
class AmqpQueueTypesTest {

  private static final AmqpSettings QUORUM = AmqpSettings.defaults().withQueueType(QueueType.QUORUM, 2);

  private final List<AmqpBroker> brokers = new ArrayList<>();

  @BeforeEach
  void reset() {
    TestRabbit.reset();
  }

  @AfterEach
  void close() {
    brokers.forEach(AmqpBroker::close);
  }

  private AmqpBroker broker(AmqpSettings settings) {
    AmqpBroker broker = AmqpBroker.connect(BrokerUrl.parse(TestRabbit.URL), settings);
    brokers.add(broker);
    return broker;
  }

  private static TaskMessage message(String task, Integer priority, Instant eta) {
    return MessageCodec.newMessage(new MessageCodec.NewMessage(task, UUID.randomUUID().toString(), List.of(),
        Map.of(), eta, null, null, null, null, priority, null));
  }

  private static List<Delivery> fetch(AmqpBroker broker, List<String> queues, int count, Duration within)
      throws InterruptedException {
    List<Delivery> fetched = new ArrayList<>();
    long deadline = System.nanoTime() + within.toNanos();
    while (fetched.size() < count && System.nanoTime() < deadline) {
      fetched.addAll(broker.fetch(queues, count - fetched.size(), Duration.ofMillis(200)));
    }
    return fetched;
  }

  /** Declares a queue as another client would, with its own arguments. */
  private static void declareElsewhere(String queue, Map<String, Object> arguments) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setVirtualHost(TestRabbit.VHOST);
    try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
      channel.queueDeclare(queue, true, false, false, arguments);
    }
  }

  private static JsonNode queue(String name) throws IOException {
    return new ObjectMapper().readTree(TestRabbit.call("GET", "/queues/" + TestRabbit.VHOST + "/" + name, null, 200));
  }

  @Test
  void aPriorityQueueDeclaredElsewhereIsUsedAsItIsAndHonoursPriorities() throws Exception {
    declareElsewhere("prioritized", Map.of("x-max-priority", 10));
    AmqpBroker broker = broker(AmqpSettings.defaults());
    broker.publishAll(List.of(new Outgoing("prioritized", message("acme.p1", 1, null)),
        new Outgoing("prioritized", message("acme.p9", 9, null)),
        new Outgoing("prioritized", message("acme.p5", 5, null))));
    assertEquals(Map.of("x-max-priority", 10), new ObjectMapper().convertValue(queue("prioritized").path("arguments"),
        Map.class), "the queue keeps the arguments it was declared with");

    broker.prefetch(List.of("prioritized"), 1);
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Delivery delivery = fetch(broker, List.of("prioritized"), 1, Duration.ofSeconds(5)).get(0);
      order.add(delivery.message().task() + "@" + delivery.message().priority());
      delivery.ack();
    }
    assertEquals(List.of("acme.p9@9", "acme.p5@5", "acme.p1@1"), order);
  }

  @Test
  void aQuorumQueueDeclaredElsewhereIsConsumedAlongsideAClassicOne() throws Exception {
    declareElsewhere("python-quorum", Map.of("x-queue-type", "quorum", "x-message-ttl", 600_000));
    AmqpBroker broker = broker(AmqpSettings.defaults());
    broker.publish("python-quorum", message("acme.q", null, null));
    broker.publish("java-classic", message("acme.c", null, null));
    // Two queues on one channel: a channel-wide (global) window would make RabbitMQ close the connection.
    List<Delivery> both = fetch(broker, List.of("python-quorum", "java-classic"), 2, Duration.ofSeconds(5));
    assertEquals(2, both.size());
    both.forEach(Delivery::ack);
    assertEquals("quorum", queue("python-quorum").path("type").asText());
    assertEquals("classic", queue("java-classic").path("type").asText());
    assertEquals(0, queue("java-classic").path("arguments").size(), "a classic queue as Celery declares it");
  }

  @Test
  void quorumCreatesQuorumQueuesWithTheDeliveryLimitAndEtasStillCome() throws Exception {
    AmqpBroker broker = broker(QUORUM);
    broker.publish("qq", message("acme.now", null, null));
    broker.publish("qq", message("acme.later", null, Instant.now().plusMillis(2500)));
    JsonNode declared = queue("qq");
    assertEquals("quorum", declared.path("type").asText());
    assertEquals(2, declared.path("arguments").path("x-delivery-limit").asInt());
    assertEquals("qq.dead", declared.path("arguments").path("x-dead-letter-routing-key").asText());
    assertEquals("quorum", queue("qq.dead").path("type").asText());
    assertTrue(queue("qq.dead").path("arguments").path("x-delivery-limit").isMissingNode(),
        "listing dead letters hands them out: no limit there");
    List<Delivery> fetched = fetch(broker, List.of("qq"), 2, Duration.ofSeconds(15));
    assertEquals(List.of("acme.now", "acme.later"), fetched.stream().map(d -> d.message().task()).toList());
    fetched.forEach(Delivery::ack);
  }

  @Test
  void aMessagePastTheDeliveryLimitIsADeadLetterWithItsReason() throws Exception {
    AmqpBroker broker = broker(QUORUM);
    TaskMessage poison = message("acme.poison", null, null);
    broker.publish("qq", poison);
    ConnectionFactory factory = new ConnectionFactory();
    factory.setVirtualHost(TestRabbit.VHOST);
    // Each worker that takes it dies running it: it comes back unacked, once more than the limit allows.
    try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
      for (int delivery = 1; delivery <= 3; delivery++) {
        GetResponse response = channel.basicGet("qq", false);
        assertTrue(response != null, "delivery " + delivery);
        channel.basicReject(response.getEnvelope().getDeliveryTag(), true);
      }
    }
    List<DeadLetter> dead = Awaitility.await("the poison message's dead letter").atMost(Duration.ofSeconds(10))
        .pollDelay(Duration.ZERO).pollInterval(Waits.POLL_INTERVAL)
        .until(() -> broker.deadLetters().list("qq", 10), letters -> !letters.isEmpty());
    assertEquals(1, dead.size());
    assertEquals(poison.id(), dead.get(0).message().orElseThrow().id());
    assertTrue(dead.get(0).reason().contains("delivery limit"), dead.get(0).reason());
    assertTrue(dead.get(0).deadAt().isAfter(Instant.now().minusSeconds(60)), dead.get(0).deadAt().toString());
    assertEquals(0, broker.count("qq"));
  }

  @Test
  void aClassicQueueThatExistsIsUsedWhenQuorumIsConfigured() throws Exception {
    declareElsewhere("old-classic", null);
    AmqpBroker broker = broker(QUORUM);
    broker.publish("old-classic", message("acme.old", null, null));
    assertEquals("classic", queue("old-classic").path("type").asText());
    Delivery delivery = fetch(broker, List.of("old-classic"), 1, Duration.ofSeconds(5)).get(0);
    delivery.deadLetter("checked");
    assertEquals(1, broker.deadLetters().count("old-classic"));
  }

  @Test
  void aFailoverListConnectsToTheFirstNodeThatAnswersInOrder() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    // The second URL takes the first one's vhost; its port must be written, or it would take the first one's too.
    String list = "amqp://guest:guest@127.0.0.1:" + closed + "/" + TestRabbit.VHOST
        + ";amqp://guest:guest@127.0.0.1:5672";
    AmqpBroker broker = AmqpBroker.connect(BrokerUrl.parseAll(list), AmqpSettings.defaults());
    brokers.add(broker);
    assertEquals("amqp://guest:***@127.0.0.1:" + closed + "/" + TestRabbit.VHOST + ";amqp://guest:***@127.0.0.1:5672",
        broker.displayUrl());
    broker.publish("failover", message("acme.f", null, null));
    Delivery delivery = fetch(broker, List.of("failover"), 1, Duration.ofSeconds(5)).get(0);
    assertEquals("acme.f", delivery.message().task());
    delivery.ack();
  }
}
