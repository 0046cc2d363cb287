package dev.celeriac.broker.amqp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.celeriac.broker.BrokerUrl;
import dev.celeriac.broker.Delivery;
import dev.celeriac.protocol.MessageCodec;
import dev.celeriac.protocol.TaskMessage;
import dev.celeriac.testsupport.Waits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The consumer's connection closed by RabbitMQ (through the management API, as an operator or a failing
 * network would) while this process holds messages: RabbitMQ returns all of them, flagged redelivered, and
 * the acks the closed connection could not carry are lost. Nothing this process settled, or still runs, may
 * be handed out again; nothing else may be held back.
 */
@Tag("rabbitmq")
class AmqpReconnectTest {

  private static final String CONSUMER = "celeriac consumer";
  private AmqpBroker broker;
  private Connection observer;

  @BeforeEach
  void open() throws Exception {
    TestRabbit.reset();
    broker = AmqpBroker.connect(BrokerUrl.parse(TestRabbit.URL), AmqpSettings.defaults());
    ConnectionFactory factory = new ConnectionFactory();
    factory.setVirtualHost(TestRabbit.VHOST);
    observer = factory.newConnection("reconnect test observer");
  }

  @AfterEach
  void close() throws Exception {
    broker.close();
    observer.close();
  }

  @Test
  void messagesSettledWhileTheConnectionIsDownAreNotHandedOutAgain() throws Exception {
    List<Delivery> held = publishAndFetch("drop", 5);
    String closed = dropConsumerConnection("drop");
    for (Delivery delivery : held) {
      delivery.ack(); // finished while the connection is gone: the ack cannot reach RabbitMQ
    }
    awaitRedeliveredTo(closed, "drop", 5);
    assertEquals(List.of(), ids(broker.fetch(List.of("drop"), 10, Duration.ofSeconds(2))),
        "settled before the reconnect: acked on arrival, not run again");
    assertAllAckedOnClose("drop");
  }

  @Test
  void aRedeliveredCopyOfAMessageStillRunningIsSettledWithIt() throws Exception {
    List<Delivery> running = publishAndFetch("drop", 5);
    String closed = dropConsumerConnection("drop");
    awaitRedeliveredTo(closed, "drop", 5);
    assertEquals(List.of(), ids(broker.fetch(List.of("drop"), 10, Duration.ofSeconds(2))),
        "still running here: the copies wait for the runs");
    running.get(0).ack();
    running.get(1).retry(MessageCodec.retryOf(running.get(1).message(), Instant.now(), Instant.now()));
    running.get(2).deadLetter("refused for the test");
    running.get(3).defer(Instant.now().plusSeconds(2));
    running.get(4).requeue(); // given back unstarted: its copy is the one to run
    List<Delivery> next = fetchAtLeast("drop", 3, Duration.ofSeconds(10));
    Map<String, Integer> retriesById = next.stream()
        .collect(Collectors.toMap(d -> d.message().id(), d -> d.message().retries()));
    assertEquals(Map.of(running.get(1).message().id(), 1, running.get(3).message().id(), 0,
        running.get(4).message().id(), 0), retriesById, "the retry, the parked message once due, the requeued one");
    next.forEach(Delivery::ack);
    assertEquals(1, broker.deadLetters().count("drop"));
    assertAllAckedOnClose("drop");
  }

  @Test
  void copiesThisProcessPublishedAgainStillRunAfterADrop() throws Exception {
    // A parked message, a retry and a requeued dead letter each carry the id of a message this process
    // settled; when a drop returns them unstarted, they are new work, not duplicates.
    List<Delivery> first = publishAndFetch("again", 3);
    first.get(0).defer(Instant.now().plusSeconds(2));
    first.get(1).retry(MessageCodec.retryOf(first.get(1).message(), Instant.now(), Instant.now()));
    first.get(2).deadLetter("refused for the test");
    assertEquals(1, broker.deadLetters().requeue("again"));
    Set<String> ids = first.stream().map(d -> d.message().id()).collect(Collectors.toSet());
    // All three back in this process's buffer, none fetched.
    await("the parked, retried and requeued messages to reach the consumer", Duration.ofSeconds(15),
        () -> broker.count("again") == 0 && broker.stats("again").delayed() == 0);
    String closed = dropConsumerConnection("again");
    awaitRedeliveredTo(closed, "again", 3);
    List<Delivery> again = fetchAtLeast("again", 3, Duration.ofSeconds(10));
    assertEquals(ids, again.stream().map(d -> d.message().id()).collect(Collectors.toSet()));
    again.forEach(Delivery::ack);
    assertAllAckedOnClose("again");
  }

  // ---------------------------------------------------------------------------------------------------

  private List<Delivery> publishAndFetch(String queue, int count) throws InterruptedException {
    for (int i = 0; i < count; i++) {
      broker.publish(queue, MessageCodec.newMessage(new MessageCodec.NewMessage("acme.n", UUID.randomUUID().toString(),
          List.of(), Map.of("i", i), null, null, null, null, null, null, null)));
    }
    List<Delivery> fetched = fetchAtLeast(queue, count, Duration.ofSeconds(10));
    assertEquals(count, fetched.size());
    return fetched;
  }

  private List<Delivery> fetchAtLeast(String queue, int count, Duration within) throws InterruptedException {
    List<Delivery> fetched = new ArrayList<>();
    long deadline = System.nanoTime() + within.toNanos();
    while (fetched.size() < count && System.nanoTime() < deadline) {
      fetched.addAll(broker.fetch(List.of(queue), count - fetched.size(), Duration.ofMillis(200)));
    }
    assertTrue(fetched.size() >= count, "fetched " + ids(fetched) + ", expected " + count);
    return fetched;
  }

  /**
   * Closes the broker's consumer connection from RabbitMQ's side and waits until RabbitMQ has taken back what
   * it held (no consumer left on {@code queue}): an ack sent from now on is lost. Returns the connection's name.
   */
  private String dropConsumerConnection(String queue) throws InterruptedException {
    List<String> names = new ArrayList<>();
    await("the management API to list the consumer connection", Duration.ofSeconds(30), () -> {
      names.addAll(TestRabbit.connectionNames(CONSUMER));
      return !names.isEmpty();
    });
    assertEquals(1, names.size(), names.toString());
    TestRabbit.closeConnection(names.get(0));
    await("RabbitMQ to drop the consumer", Duration.ofSeconds(10), () -> readyAndConsumers(queue)[1] == 0);
    return names.get(0);
  }

  /** Waits until amqp-client reconnected and RabbitMQ pushed the {@code count} returned messages to it. */
  private void awaitRedeliveredTo(String closed, String queue, int count) throws InterruptedException {
    await("the consumer to reconnect and take the " + count + " returned messages", Duration.ofSeconds(30), () -> {
      List<String> now = TestRabbit.connectionNames(CONSUMER);
      now.remove(closed);
      return !now.isEmpty() && readyAndConsumers(queue)[0] == 0 && readyAndConsumers(queue)[1] == 1;
    });
  }

  /** Closes the broker: a message it did not ack would go back to the queue. */
  private void assertAllAckedOnClose(String queue) throws Exception {
    broker.close();
    await("RabbitMQ to see the consumer go", Duration.ofSeconds(10), () -> readyAndConsumers(queue)[1] == 0);
    assertEquals(0, readyAndConsumers(queue)[0], "every message was acked");
  }

  private long[] readyAndConsumers(String queue) {
    try (Channel channel = observer.createChannel()) {
      var ok = channel.queueDeclarePassive(queue);
      return new long[] {ok.getMessageCount(), ok.getConsumerCount()};
    } catch (Exception e) {
      throw new AssertionError("queue " + queue + ": " + e, e);
    }
  }

  private static List<String> ids(List<Delivery> deliveries) {
    return deliveries.stream().map(d -> d.message().id()).toList();
  }

  private static void await(String what, Duration within, BooleanSupplier condition) {
    Waits.await(what, within, condition::getAsBoolean);
  }
}
