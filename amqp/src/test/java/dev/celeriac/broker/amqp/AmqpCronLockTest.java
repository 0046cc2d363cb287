package dev.celeriac.broker.amqp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.MutableClock;
import dev.celeriac.TaskDefinition;
import dev.celeriac.broker.MessagePublisher;
import dev.celeriac.cron.Cron;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The RabbitMQ token of {@code run cron}: a process that holds a schedule's token (mid-transaction) locks its
 * slot for the others until it commits or dies, and dying gives the token back; schedules are independent, so a
 * process that knows a task fires it whatever the others know.
 */
@Tag("rabbitmq")
class AmqpCronLockTest {

  private static final Instant START = Instant.parse("2026-11-24T12:00:30Z");

  @BeforeEach
  void reset() {
    TestRabbit.reset();
  }

  @Test
  void aProcessHoldingTheTokenLocksTheSlotUntilItDies() throws Exception {
    MutableClock clock = new MutableClock(START);
    try (Celeriac first = app(clock); Celeriac second = app(clock)) {
      Cron one = cron(first, clock, task("tests.every_minute", "* * * * *"));
      Cron two = cron(second, clock, task("tests.every_minute", "* * * * *"));
      assertEquals(1, one.tick() + two.tick(), "12:00, once");

      clock.set(Instant.parse("2026-11-24T12:01:10Z"));
      ConnectionFactory factory = new ConnectionFactory();
      factory.setVirtualHost(TestRabbit.VHOST);
      Connection dying = factory.newConnection();
      Channel holder = dying.createChannel();
      holder.txSelect();
      GetResponse token = holder.basicGet(AmqpCronLock.tokenQueue("tests.every_minute"), false);
      assertEquals(true, token != null, "the token exists after the first slot");
      assertEquals(0, one.tick() + two.tick(), "locked while another process holds the token");
      assertEquals(0, one.tick() + two.tick(), "and still");

      dying.abort();
      int fired = Awaitility.await("12:01 to fire").atMost(Duration.ofSeconds(10))
          .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
          .until(() -> one.tick() + two.tick(), slots -> slots != 0);
      assertEquals(1, fired, "12:01 fires once when the holder is gone");
      assertEquals(0, one.tick() + two.tick());
      assertEquals(2, first.broker().stats("cron").ready());
    }
  }

  @Test
  void processesThatKnowDifferentTasksEachFireTheirOwn() throws Exception {
    MutableClock clock = new MutableClock(START);
    try (Celeriac older = app(clock); Celeriac newer = app(clock)) {
      Cron oldRelease = cron(older, clock, task("tests.old", "* * * * *"));
      Cron newRelease = cron(newer, clock, task("tests.old", "* * * * *"), task("tests.added", "* * * * *"));
      assertEquals(2, oldRelease.tick() + newRelease.tick(), "tests.old and tests.added at 12:00");
      clock.set(Instant.parse("2026-11-24T12:01:00Z"));
      assertEquals(1, oldRelease.tick());
      assertEquals(1, newRelease.tick(), "only tests.added: tests.old was fired by the older process");
      assertEquals(4, older.broker().stats("cron").ready());
    }
  }

  private static TaskDefinition task(String name, String cron) {
    return TaskDefinition.builder(name).queue("cron").origin("tests#" + name).schedule(cron, "UTC")
        .invoker(arguments -> {}).build();
  }

  private static Celeriac app(MutableClock clock) {
    return Celeriac.create(CeleriacConfig.builder().brokerUrl(TestRabbit.URL).clock(clock).build());
  }

  private static Cron cron(Celeriac app, MutableClock clock, TaskDefinition... tasks) {
    return new Cron(app.broker(), List.of(tasks), clock, task -> new MessagePublisher.Outgoing("cron",
        dev.celeriac.protocol.MessageCodec.newMessage(new dev.celeriac.protocol.MessageCodec.NewMessage(task.name(),
            dev.celeriac.protocol.Ids.uuid(), List.of(), java.util.Map.of(), null, null, null, null, null, null,
            java.time.Duration.ZERO))));
  }
}
