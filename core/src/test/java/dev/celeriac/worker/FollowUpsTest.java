package dev.celeriac.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.MutableClock;
import dev.celeriac.Parameter;
import dev.celeriac.TaskDefinition;
import dev.celeriac.TaskRegistry;
import dev.celeriac.ValueType;
import dev.celeriac.broker.BrokerException;
import dev.celeriac.broker.BrokerUrl;
import dev.celeriac.broker.DeadLetter;
import dev.celeriac.broker.Delivery;
import dev.celeriac.broker.memory.MemoryBroker;
import dev.celeriac.canvas.CanvasApplier;
import dev.celeriac.canvas.MemoryChordStore;
import dev.celeriac.canvas.SignatureSpec;
import dev.celeriac.protocol.TaskMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The executor sends what a message's canvas asks for before it acks the message, and dead-letters the message with
 * {@link DeadLetterCause#FOLLOW_UP_NOT_SENT} when the broker will not take a follow-up even after retries.
 */
class FollowUpsTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T10:00:00Z"));
  private final MemoryBroker broker =
      MemoryBroker.forUrl(BrokerUrl.parse("memory://follow-ups-" + UUID.randomUUID()), clock);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private volatile boolean brokerRefuses;

  private final TaskDefinition add = TaskDefinition.builder("t.add").queue("q")
      .parameter(Parameter.of("x", "x", ValueType.INT))
      .parameter(Parameter.of("y", "y", ValueType.INT))
      .function(arguments -> (int) arguments[0] + (int) arguments[1]).build();
  private final TaskRegistry registry = TaskRegistry.of(List.of(add));

  /** Publishes to the memory broker, noting each publish, or refuses while {@link #brokerRefuses}. */
  private final CanvasApplier applier = CanvasApplier.forRegistry((queue, message) -> {
    if (brokerRefuses) {
      events.add("refused " + message.task());
      throw new BrokerException("broker down");
    }
    events.add("publish " + message.task() + " " + message.id());
    broker.publish(queue, message);
  }, registry, new MemoryChordStore(), clock);

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  private TaskExecutor executor(DeadLetterCause[] cause) {
    WorkerListener listener = new WorkerListener() {
      @Override
      public void messageDeadLettered(String queue, String taskName, String taskId, DeadLetterCause c, String reason) {
        cause[0] = c;
      }
    };
    return new TaskExecutor(registry, clock, listener, timer, () -> false)
        .sendingFollowUps(new FollowUps(applier, new MemoryChordStore()));
  }

  /** The next delivery of {@code queue}, noting its ack and dead letter in {@link #events}. */
  private Delivery next(String queue) throws InterruptedException {
    List<Delivery> fetched = broker.fetch(List.of(queue), 1, Duration.ofMillis(50));
    assertEquals(1, fetched.size());
    Delivery delivery = fetched.get(0);
    return new Delivery() {
      @Override
      public String queue() {
        return delivery.queue();
      }

      @Override
      public byte[] raw() {
        return delivery.raw();
      }

      @Override
      public TaskMessage message() {
        return delivery.message();
      }

      @Override
      public void ack() {
        events.add("ack " + delivery.message().id());
        delivery.ack();
      }

      @Override
      public void retry(TaskMessage retry) {
        delivery.retry(retry);
      }

      @Override
      public void defer(Instant eta) {
        delivery.defer(eta);
      }

      @Override
      public void deadLetter(String reason) {
        events.add("dead " + delivery.message().id());
        delivery.deadLetter(reason);
      }

      @Override
      public void requeue() {
        delivery.requeue();
      }
    };
  }

  @Test
  void aChainStepIsPublishedBeforeTheMessageIsAcked() throws Exception {
    SignatureSpec chain = SignatureSpec.chain(List.of(
        SignatureSpec.task("t.add", List.of(), Map.of("x", 1, "y", 2)),
        SignatureSpec.task("t.add", List.of(), Map.of("y", 3))));
    CanvasApplier.Sent last = applier.apply(chain, List.of(), Map.of());
    String first = events.get(0).split(" ", -1)[2];
    events.clear();

    assertEquals(Outcome.SUCCEEDED, executor(new DeadLetterCause[1]).execute(next("q")));
    assertEquals(List.of("publish t.add " + last.id(), "ack " + first), events);
    assertEquals(Outcome.SUCCEEDED, executor(new DeadLetterCause[1]).execute(next("q")));
  }

  @Test
  void aCallbackTheBrokerWillNotTakeIsRetriedThenDeadLettered() throws Exception {
    SignatureSpec linked = SignatureSpec.task("t.add", List.of(), Map.of("x", 1, "y", 2))
        .withListOption("link", SignatureSpec.task("t.add", List.of(), Map.of("y", 10)).toWire());
    applier.apply(linked, List.of(), Map.of());
    String id = events.get(0).split(" ", -1)[2];
    events.clear();
    brokerRefuses = true;
    DeadLetterCause[] cause = new DeadLetterCause[1];

    assertEquals(Outcome.DEAD_LETTERED, executor(cause).execute(next("q")));

    assertEquals(List.of("refused t.add", "refused t.add", "refused t.add", "dead " + id), events);
    assertEquals(DeadLetterCause.FOLLOW_UP_NOT_SENT, cause[0]);
    DeadLetter dead = broker.deadLetters().list("q", 10).get(0);
    assertTrue(dead.reason().contains("task succeeded, but could not send callback t.add"), dead.reason());
  }
}
