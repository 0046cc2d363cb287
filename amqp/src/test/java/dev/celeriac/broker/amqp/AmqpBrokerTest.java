package dev.celeriac.broker.amqp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.celeriac.broker.BrokerException;
import dev.celeriac.broker.BrokerUrl;
import dev.celeriac.broker.DeadLetter;
import dev.celeriac.broker.Delivery;
import dev.celeriac.broker.MessagePublisher;
import dev.celeriac.broker.QueueStats;
import dev.celeriac.protocol.MessageCodec;
import dev.celeriac.protocol.TaskMessage;
import dev.celeriac.testsupport.Waits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The RabbitMQ broker against the machine's RabbitMQ, vhost celeriac-test, emptied before each test. */
@Tag("rabbitmq")
class AmqpBrokerTest {

  private AmqpBroker broker;

  @BeforeEach
  void open() {
    TestRabbit.reset();
    broker = AmqpBroker.connect(BrokerUrl.parse(TestRabbit.URL), AmqpSettings.defaults());
  }

  @AfterEach
  void close() {
    broker.close();
  }

  private static TaskMessage message(String task, Map<String, Object> kwargs, Instant eta) {
    return MessageCodec.newMessage(new MessageCodec.NewMessage(task, UUID.randomUUID().toString(), List.of(),
        kwargs, eta, null, null, null, null, null, null));
  }

  private List<Delivery> fetchAll(String queue, int count, Duration within) throws InterruptedException {
    List<Delivery> fetched = new ArrayList<>();
    long deadline = System.nanoTime() + within.toNanos();
    while (fetched.size() < count && System.nanoTime() < deadline) {
      fetched.addAll(broker.fetch(List.of(queue), count - fetched.size(), Duration.ofMillis(200)));
    }
    return fetched;
  }

  @Test
  void pingAnswersOnAnOpenConnectionAndFailsOnAClosedOne() {
    broker.ping();
    broker.close();
    BrokerException e = assertThrows(BrokerException.class, broker::ping);
    assertTrue(e.getMessage().startsWith("RabbitMQ at amqp://guest:***@"), e.getMessage());
  }

  @Test
  void aPublishedMessageArrivesUnchangedAndLeavesWhenAcked() throws Exception {
    TaskMessage sent = message("acme.add", Map.of("x", 2, "y", 3, "big", 5_000_000_000L, "name", "café"), null);
    broker.publish("celery", sent);
    List<Delivery> fetched = fetchAll("celery", 1, Duration.ofSeconds(5));
    assertEquals(1, fetched.size());
    TaskMessage received = fetched.get(0).message();
    assertEquals(sent.headers(), received.headers());
    assertEquals(sent.id(), received.properties().get("correlation_id"));
    assertEquals(new String(sent.body(), StandardCharsets.UTF_8), new String(received.body(), StandardCharsets.UTF_8));
    assertEquals("application/json", received.contentType());
    fetched.get(0).ack();
    broker.close();
    broker = AmqpBroker.connect(BrokerUrl.parse(TestRabbit.URL), AmqpSettings.defaults());
    assertEquals(0, broker.count("celery"));
  }

  @Test
  void aWaitingFetchHandsArrivalsOverOnTheReaderThreadUpToItsMax() throws Exception {
    broker.prefetch(List.of("celery"), 10);
    assertTrue(broker.fetch(List.of("celery"), 10, Duration.ofMillis(100)).isEmpty()); // consumes
    List<Delivery> handed = Collections.synchronizedList(new ArrayList<>());
    Set<String> threads = Collections.synchronizedSet(new HashSet<>());
    Thread fetcher = Thread.currentThread();
    java.util.concurrent.CompletableFuture<List<Delivery>> waiting = java.util.concurrent.CompletableFuture
        .supplyAsync(() -> {
          try {
            return broker.fetch(List.of("celery"), 2, Duration.ofSeconds(3), delivery -> {
              threads.add(Thread.currentThread().getName());
              handed.add(delivery);
            });
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });
    Thread.sleep(200); // the fetch waits on an empty buffer
    for (String task : List.of("first", "second", "third")) {
      broker.publish("celery", message(task, Map.of(), null));
    }
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> handed.size() == 2);
    // Two handed over as they came, the third left for the fetch itself, which may take nothing more (max 2).
    List<Delivery> returned = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals(List.of(), returned);
    assertEquals(List.of("first", "second"), handed.stream().map(d -> d.message().task()).toList());
    assertTrue(threads.stream().noneMatch(name -> name.equals(fetcher.getName())), threads.toString());
    // On the connection's reader thread itself (InlineExecutor), not on a dispatch thread after it.
    assertTrue(threads.stream().allMatch(name -> name.startsWith("AMQP Connection")), threads.toString());
    List<Delivery> rest = fetchAll("celery", 1, Duration.ofSeconds(5));
    assertEquals(List.of("third"), rest.stream().map(d -> d.message().task()).toList());
    handed.forEach(Delivery::ack);
    rest.forEach(Delivery::ack);
  }

  @Test
  void theQueueIsDeclaredExactlyAsCeleryDeclaresIt() throws Exception {
    broker.publish("celery", message("acme.add", Map.of(), null));
    ConnectionFactory factory = new ConnectionFactory();
    factory.setVirtualHost(TestRabbit.VHOST);
    try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
      // What py-amqp sends for Celery's default queue: passes only if flags and arguments match.
      channel.exchangeDeclare("celery", "direct", true, false, null);
      channel.queueDeclare("celery", true, false, false, null);
      channel.queueBind("celery", "celery", "celery");
    }
    String bindings = TestRabbit.call("GET", "/queues/" + TestRabbit.VHOST + "/celery/bindings", null, 200);
    assertTrue(bindings.contains("\"source\":\"celery\""), bindings);
  }

  @Test
  void theWindowFollowsTheWorkersPrefetchAsItChanges() throws Exception {
    List<MessagePublisher.Outgoing> batch = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      batch.add(new MessagePublisher.Outgoing("window", message("acme.n", Map.of("i", i), null)));
    }
    broker.publishAll(batch);
    broker.prefetch(List.of("window"), 3);

    List<Delivery> held = fetchAll("window", 20, Duration.ofSeconds(2));
    assertEquals(3, held.size(), "RabbitMQ pushes no more than the window");

    broker.prefetch(List.of("window"), 8);
    held.addAll(fetchAll("window", 20, Duration.ofSeconds(2)));
    assertEquals(3 + 8, held.size(), "a larger window lets more in, the first 3 still unacked");

    // Shrinking subscribes anew: the old subscriptions' unacked messages stay, the new one takes its window.
    broker.prefetch(List.of("window"), 2);
    List<Delivery> rest = fetchAll("window", 20, Duration.ofSeconds(2));
    assertEquals(2, rest.size());
    for (Delivery delivery : held) {
      delivery.ack();
    }
    while (!rest.isEmpty()) {
      assertTrue(rest.size() <= 2, "no more than the smaller window at a time: " + rest.size());
      for (Delivery delivery : rest) {
        delivery.ack();
        held.add(delivery);
      }
      rest = fetchAll("window", 20, Duration.ofMillis(600));
    }
    assertEquals(20, held.size());
    assertEquals(20, held.stream().map(d -> d.message().id()).distinct().count(), "each message once");
  }

  @Test
  void acksInAnyOrderSettleEveryMessageExactlyOnce() throws Exception {
    broker.prefetch(List.of("work"), 200);
    List<MessagePublisher.Outgoing> batch = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      batch.add(new MessagePublisher.Outgoing("work", message("acme.n", Map.of("i", i), null)));
    }
    broker.publishAll(batch);
    Set<Object> seen = new HashSet<>();
    while (seen.size() < 1000) {
      List<Delivery> fetched = fetchAll("work", 150, Duration.ofSeconds(5));
      assertTrue(!fetched.isEmpty(), "stalled after " + seen.size());
      Collections.shuffle(fetched);
      List<Thread> threads = new ArrayList<>();
      for (Delivery delivery : fetched) {
        assertTrue(seen.add(delivery.message().id()), "delivered twice: " + delivery.message().id());
        Thread thread = new Thread(delivery::ack);
        thread.start();
        threads.add(thread);
      }
      for (Thread thread : threads) {
        thread.join();
      }
    }
    broker.close();
    broker = AmqpBroker.connect(BrokerUrl.parse(TestRabbit.URL), AmqpSettings.defaults());
    assertEquals(0, broker.count("work"));
  }

  @Test
  void requeueGivesTheMessageBackAndCloseReturnsUnsettledOnes() throws Exception {
    broker.publish("celery", message("acme.a", Map.of(), null));
    broker.publish("celery", message("acme.b", Map.of(), null));
    List<Delivery> fetched = fetchAll("celery", 2, Duration.ofSeconds(5));
    assertEquals(2, fetched.size());
    fetched.get(0).requeue();
    Delivery again = fetchAll("celery", 1, Duration.ofSeconds(5)).get(0);
    assertEquals(fetched.get(0).message().id(), again.message().id());
    broker.close();
    broker = AmqpBroker.connect(BrokerUrl.parse(TestRabbit.URL), AmqpSettings.defaults());
    assertEquals(2, broker.count("celery"));
  }

  @Test
  void retryPublishesTheNextMessageBeforeAckingTheOriginal() throws Exception {
    TaskMessage original = message("acme.flaky", Map.of("id", 7), null);
    broker.publish("celery", original);
    Delivery first = fetchAll("celery", 1, Duration.ofSeconds(5)).get(0);
    first.retry(MessageCodec.retryOf(first.message(), Instant.now(), Instant.now()));
    Delivery second = fetchAll("celery", 1, Duration.ofSeconds(5)).get(0);
    assertEquals(original.id(), second.message().id());
    assertEquals(1, second.message().retries());
    second.ack();
  }

  @Test
  void etasComeBackInOrderOfDueTimeWithoutHeadOfLineBlocking() throws Exception {
    // Far apart, and each eta taken just before its own publish: the first publish declares the delay levels
    // (quorum queues), which can take a while on a loaded machine.
    TaskMessage late = message("acme.late", Map.of(), Instant.now().plusSeconds(8));
    broker.publish("timed", late);
    TaskMessage soon = message("acme.soon", Map.of(), Instant.now().plusMillis(2500));
    broker.publish("timed", soon);
    QueueStats parked = broker.stats("timed");
    assertEquals(0, parked.ready());
    assertEquals(2, parked.delayed());
    List<Delivery> early = broker.fetch(List.of("timed"), 10, Duration.ofMillis(1200));
    assertEquals(List.of(), early, "nothing arrives long before its eta");
    Delivery first = fetchAll("timed", 1, Duration.ofSeconds(10)).get(0);
    Instant arrived = Instant.now();
    assertEquals("acme.soon", first.message().task());
    assertTrue(!arrived.isBefore(soon.eta().orElseThrow().minusMillis(AmqpBroker.HOLD_MILLIS)), "arrived " + arrived);
    // The rest of the wait is held here: the worker defers, and the message comes back once due.
    first.defer(soon.eta().orElseThrow());
    Delivery due = fetchAll("timed", 1, Duration.ofSeconds(5)).get(0);
    assertTrue(!Instant.now().isBefore(soon.eta().orElseThrow()), "released before its eta");
    assertEquals(soon.id(), due.message().id());
    due.ack();
    Delivery second = fetchAll("timed", 1, Duration.ofSeconds(10)).get(0);
    assertEquals("acme.late", second.message().task());
    second.ack();
  }

  @Test
  void aDelayedMessageComesBackAsIfPublishedStraightToItsQueue() throws Exception {
    // 1 s ends in a 1 digit (level 0's queue), 2 s in a 0 digit (level 0's exchange): both must come back
    // through the default exchange with the queue's name as routing key, which Celery's delivery_info shows
    // and Task.retry() routes by.
    Instant now = Instant.now();
    broker.publish("back", message("acme.odd", Map.of(), now.plusMillis(1500)));
    broker.publish("back", message("acme.even", Map.of(), now.plusMillis(2500)));
    ConnectionFactory factory = new ConnectionFactory();
    factory.setVirtualHost(TestRabbit.VHOST);
    Map<String, String> arrivals = new java.util.TreeMap<>();
    try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
      Waits.await("both messages back", Duration.ofSeconds(15), () -> {
        com.rabbitmq.client.GetResponse response = channel.basicGet("back", true);
        if (response != null) {
          arrivals.put(response.getProps().getHeaders().get("task").toString(),
              "exchange '" + response.getEnvelope().getExchange() + "', routing key '"
                  + response.getEnvelope().getRoutingKey() + "'");
        }
        return arrivals.size() >= 2;
      }, arrivals::toString);
    }
    String direct = "exchange '', routing key 'back'";
    assertEquals(Map.of("acme.even", direct, "acme.odd", direct), arrivals);
  }

  @Test
  void aWorkerDeferringAFarEtaParksTheMessageAndAcksIt() throws Exception {
    broker.publish("celery", message("acme.later", Map.of(), null));
    Delivery delivery = fetchAll("celery", 1, Duration.ofSeconds(5)).get(0);
    // Still more than a second away after the wait for this broker's new delay queues (AmqpTopology.SETTLE).
    delivery.defer(Instant.now().plusSeconds(5));
    QueueStats stats = broker.stats("celery");
    assertEquals(1, stats.delayed());
    assertEquals(0, stats.ready());
    Delivery back = fetchAll("celery", 1, Duration.ofSeconds(10)).get(0);
    assertEquals(delivery.message().id(), back.message().id());
    assertEquals(delivery.message().headers(), back.message().headers(), "no x-death or other trip headers");
    back.ack();
  }

  @Test
  void deadLettersKeepTheMessageAndReasonAndCanBeRequeued() throws Exception {
    TaskMessage sent = message("acme.unknown", Map.of("id", 1), null);
    broker.publish("celery", sent);
    Delivery delivery = fetchAll("celery", 1, Duration.ofSeconds(5)).get(0);
    delivery.deadLetter("unknown task 'acme.unknown'");
    assertEquals(1, broker.deadLetters().count("celery"));
    List<DeadLetter> letters = broker.deadLetters().list("celery", 10);
    assertEquals(1, letters.size());
    assertEquals("unknown task 'acme.unknown'", letters.get(0).reason());
    assertEquals(sent.id(), letters.get(0).message().orElseThrow().id());
    assertEquals(sent.headers(), letters.get(0).message().orElseThrow().headers());
    assertEquals(1, broker.deadLetters().count("celery"), "listing takes nothing away");
    assertEquals(1, broker.stats("celery").dead());

    assertEquals(1, broker.deadLetters().requeue("celery"));
    assertEquals(0, broker.deadLetters().count("celery"));
    Delivery again = fetchAll("celery", 1, Duration.ofSeconds(5)).get(0);
    assertEquals(sent.headers(), again.message().headers(), "no dead-letter headers on the replay");
    again.deadLetter("still unknown");
    assertEquals(1, broker.deadLetters().purge("celery"));
    assertEquals(0, broker.deadLetters().count("celery"));
  }

  /**
   * {@code expires} is also the broker TTL, written as kombu writes Celery's: {@code str(int(seconds * 1000))}.
   * A message on its way through the delay levels carries none (it would leave a level early), nor does a
   * parked one: the worker discards it by its {@code expires} header if that is past when it is due.
   */
  @Test
  void expiresIsAlsoTheExpirationPropertyExceptWhileParked() throws Exception {
    Instant now = Instant.now();
    TaskMessage expiring = MessageCodec.newMessage(new MessageCodec.NewMessage("acme.add", UUID.randomUUID().toString(),
        List.of(), Map.of(), null, now.plusSeconds(600), Duration.ofMinutes(10), null, null, null, null));
    broker.publish("celery", expiring);
    TaskMessage delayed = MessageCodec.newMessage(new MessageCodec.NewMessage("acme.add", UUID.randomUUID().toString(),
        List.of(), Map.of(), now.plusSeconds(5), now.plusSeconds(600), Duration.ofMinutes(10), null, null, null,
        null));
    broker.publish("timed", delayed);
    ConnectionFactory factory = new ConnectionFactory();
    factory.setVirtualHost(TestRabbit.VHOST);
    try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
      com.rabbitmq.client.GetResponse direct = channel.basicGet("celery", false);
      assertEquals("600000", direct.getProps().getExpiration(), "what kombu writes for Celery's expires=600");
      // 4 whole seconds, binary 100: level 2's queue holds it.
      com.rabbitmq.client.GetResponse parked = channel.basicGet(AmqpTopology.delayLevel("timed", 2), false);
      assertEquals(delayed.id(), parked.getProps().getHeaders().get("id").toString());
      assertEquals(null, parked.getProps().getExpiration());
    }
    Delivery fetched = fetchAll("celery", 1, Duration.ofSeconds(5)).get(0);
    fetched.defer(Instant.now().plusSeconds(5));
    try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
      com.rabbitmq.client.GetResponse parked = channel.basicGet(AmqpTopology.delayLevel("celery", 2), false);
      assertEquals(expiring.id(), parked.getProps().getHeaders().get("id").toString());
      assertEquals(null, parked.getProps().getExpiration(), "a parked message has no broker TTL");
    }
  }

  /** A Python producer's {@code expires} also sets the broker TTL ({@code expiration}); a dead letter keeps none. */
  @Test
  void aDeadLetterOfAMessageWithABrokerTtlDoesNotExpire() throws Exception {
    TaskMessage sent = message("acme.unknown", Map.of(), null);
    broker.publish("celery", sent);
    ConnectionFactory factory = new ConnectionFactory();
    factory.setVirtualHost(TestRabbit.VHOST);
    try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
      channel.basicPublish("", "celery", AmqpMessages.properties(sent).builder().expiration("1500").build(),
          sent.body());
    }
    List<Delivery> fetched = fetchAll("celery", 2, Duration.ofSeconds(5));
    for (Delivery delivery : fetched) {
      delivery.deadLetter("unknown task 'acme.unknown'");
    }
    // Past the 1.5 s expiration the message was published with: a dead letter must not expire with it.
    Thread.sleep(2500);
    assertEquals(2, broker.deadLetters().count("celery"));
  }

  @Test
  void statsCountReadyUnackedAndPurgeEmptiesTheQueue() throws Exception {
    for (int i = 0; i < 5; i++) {
      broker.publish("ops", message("acme.n", Map.of(), null));
    }
    List<Delivery> fetched = fetchAll("ops", 2, Duration.ofSeconds(5));
    // The management API refreshes its figures every few seconds: no use asking it more often than twice a second.
    QueueStats stats = Awaitility.await("the management API's figures for ops").atMost(Duration.ofSeconds(15))
        .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500))
        .until(() -> broker.stats("ops"), now -> now.inFlight() == 5 - now.ready());
    assertEquals(5, stats.ready() + stats.inFlight(), stats.toString());
    assertTrue(broker.queueNames().contains("ops"));
    assertEquals(stats.ready(), broker.purge("ops"));
    assertEquals(0, broker.purge("missing-queue"));
    fetched.forEach(Delivery::ack);
  }
}
