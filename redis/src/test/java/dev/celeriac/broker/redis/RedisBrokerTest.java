package dev.celeriac.broker.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.celeriac.broker.BrokerException;
import dev.celeriac.broker.BrokerUnreachableException;
import dev.celeriac.broker.BrokerUrl;
import dev.celeriac.broker.DeadLetter;
import dev.celeriac.broker.Delivery;
import dev.celeriac.broker.MessagePublisher;
import dev.celeriac.broker.QueueStats;
import dev.celeriac.protocol.MessageCodec;
import dev.celeriac.protocol.TaskMessage;
import dev.celeriac.testsupport.Ports;
import dev.celeriac.testsupport.PrivateRedis;
import dev.celeriac.testsupport.Waits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The Redis broker against the machine's real Redis: kombu layout, atomic moves, recovery, parking. */
@Tag("redis")
class RedisBrokerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String queue = "q-" + UUID.randomUUID();
  private RedisBroker broker;
  private Jedis jedis;

  @BeforeAll
  static void flush() {
    TestRedis.flush();
  }

  @BeforeEach
  void connect() {
    broker = RedisBroker.connect(BrokerUrl.parse(TestRedis.URL), RedisSettings.defaults());
    jedis = TestRedis.connect();
  }

  @AfterEach
  void close() {
    broker.close();
    jedis.close();
  }

  @Test
  void publishesThePlainKombuEnvelopeToThePriorityList() throws Exception {
    broker.publish(queue, message("tasks.add", 0));
    broker.publish(queue, message("tasks.add", 5));

    assertEquals(1, jedis.llen(queue));
    assertEquals(1, jedis.llen(queue + "\u0006\u00163"));
    JsonNode envelope = JSON.readTree(jedis.lindex(queue, 0));
    assertEquals("application/json", envelope.get("content-type").asText());
    assertEquals("base64", envelope.at("/properties/body_encoding").asText());
    assertEquals(queue, envelope.at("/properties/delivery_info/routing_key").asText());
    assertEquals(36, envelope.at("/properties/delivery_tag").asText().length());
    assertEquals("tasks.add", envelope.at("/headers/task").asText());
    assertTrue(jedis.sismember("_kombu.binding." + queue, queue + "\u0006\u0016\u0006\u0016" + queue));
  }

  @Test
  void aBatchArrivesCompleteAndInOrderAcrossQueuesPrioritiesAndPushRuns() throws Exception {
    // Runs longer than one LPUSH, runs cut short by a change of list, and a list that comes back later.
    String other = queue + "-other";
    List<MessagePublisher.Outgoing> batch = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    List<String> expectedOther = new ArrayList<>();
    for (int i = 0; i < RedisBroker.PUSH_RUN * 2 + 7; i++) {
      batch.add(new MessagePublisher.Outgoing(queue, message("a" + i, 0)));
      expected.add("a" + i);
    }
    batch.add(new MessagePublisher.Outgoing(other, message("o0", 0)));
    batch.add(new MessagePublisher.Outgoing(other, message("o1", 0)));
    expectedOther.addAll(List.of("o0", "o1"));
    batch.add(new MessagePublisher.Outgoing(queue, message("low", 9)));
    for (int i = 0; i < RedisBroker.PUSH_RUN + 1; i++) {
      batch.add(new MessagePublisher.Outgoing(queue, message("b" + i, 0)));
      expected.add("b" + i);
    }
    batch.add(new MessagePublisher.Outgoing(other, message("o2", 0)));
    expectedOther.add("o2");
    expected.add("low");

    broker.publishAll(batch);

    assertEquals(expected.size() - 1, jedis.llen(queue));
    assertEquals(1, jedis.llen(queue + "\u0006\u00169"));
    assertEquals(expectedOther.size(), jedis.llen(other));
    Set<String> tags = new HashSet<>();
    for (String key : List.of(queue, queue + "\u0006\u00169", other)) {
      for (String raw : jedis.lrange(key, 0, -1)) {
        tags.add(JSON.readTree(raw).at("/properties/delivery_tag").asText());
      }
    }
    assertEquals(batch.size(), tags.size(), "every envelope stored once, each with its own delivery tag");
    assertEquals(expected, drain(queue, expected.size()));
    assertEquals(expectedOther, drain(other, expectedOther.size()));
  }

  private List<String> drain(String from, int count) throws InterruptedException {
    List<String> tasks = new ArrayList<>();
    while (tasks.size() < count) {
      List<Delivery> fetched = broker.fetch(List.of(from), 50, Duration.ofSeconds(1));
      assertFalse(fetched.isEmpty(), "only " + tasks.size() + " of " + count + " came back");
      fetched.forEach(delivery -> {
        tasks.add(delivery.message().task());
        delivery.ack();
      });
    }
    return tasks;
  }

  @Test
  void anEnqueueRedisAnswersWithAnErrorThrowsInsteadOfCountingAsStored() {
    // A pipelined LPUSH's error reply does not throw by itself; LOADING from a restarting Redis went unseen.
    jedis.set(queue, "not a list");

    BrokerException e = assertThrows(BrokerException.class, () -> broker.publish(queue, message("tasks.add", 0)));

    assertTrue(e.getMessage().contains("WRONGTYPE"), e.getMessage());
  }

  @Test
  void fetchRecordsInFlightInKombusStructuresInTheSameStep() throws Exception {
    broker.publish(queue, message("tasks.add", 0));
    String raw = jedis.lindex(queue, 0);

    Delivery delivery = fetchOne();

    String tag = ((RedisDelivery) delivery).field();
    assertTrue(tag.startsWith(broker.workerId() + "#"), tag);
    JsonNode entry = JSON.readTree(jedis.hget("unacked", tag));
    assertEquals(JSON.readTree(raw), entry.get(0));
    assertEquals("", entry.get(1).asText());
    assertEquals(queue, entry.get(2).asText());
    assertTrue(jedis.zscore("unacked_index", tag) > Instant.now().getEpochSecond() - 60);
    assertEquals(0, jedis.llen(queue));
    assertArrayEquals(raw.getBytes(StandardCharsets.UTF_8), delivery.raw());

    delivery.ack();
    waitFor(() -> !jedis.hexists("unacked", tag) && jedis.zscore("unacked_index", tag) == null);
    assertEquals(0, jedis.hlen(RedisKeys.inFlight(broker.workerId())));
  }

  @Test
  void fetchServesPriorityZeroFirstAndFifoWithinAPriority() throws Exception {
    broker.publish(queue, message("p9", 9));
    broker.publish(queue, message("p0-first", 0));
    broker.publish(queue, message("p5", 5));
    broker.publish(queue, message("p0-second", 1));

    List<Delivery> fetched = broker.fetch(List.of(queue), 10, Duration.ofSeconds(1));

    assertEquals(List.of("p0-first", "p0-second", "p5", "p9"),
        fetched.stream().map(d -> d.message().task()).toList());
    fetched.forEach(Delivery::ack);
  }

  @Test
  void fetchesInBatches() throws Exception {
    for (int i = 0; i < 25; i++) {
      broker.publish(queue, message("t" + i, 0));
    }
    List<Delivery> first = broker.fetch(List.of(queue), 10, Duration.ofSeconds(1));
    assertEquals(10, first.size());
    assertEquals("t0", first.get(0).message().task());
    assertEquals(10, jedis.hlen(RedisKeys.inFlight(broker.workerId())));
    first.forEach(Delivery::ack);
  }

  @Test
  void deferParksAtomicallyAndDueMessagesComeBackOnce() throws Exception {
    broker.publish(queue, message("early", 0));
    Delivery delivery = fetchOne();

    delivery.defer(Instant.now().plusMillis(800));

    assertEquals(1, jedis.zcard(RedisKeys.delayed(queue)));
    assertNothingInFlight();
    assertTrue(broker.fetch(List.of(queue), 10, Duration.ofMillis(300)).isEmpty());
    Delivery due = fetchOne();
    assertEquals("early", due.message().task());
    assertEquals(0, jedis.zcard(RedisKeys.delayed(queue)));
    due.ack();
  }

  @Test
  void retryWithEtaIsParkedAndWithoutIsQueued() throws Exception {
    broker.publish(queue, message("flaky", 0));
    Delivery delivery = fetchOne();
    TaskMessage original = delivery.message();

    delivery.retry(MessageCodec.retryOf(original, Instant.now().plusSeconds(60), Instant.now()));

    assertEquals(1, jedis.zcard(RedisKeys.delayed(queue)));
    String parked = jedis.zrange(RedisKeys.delayed(queue), 0, 0).get(0);
    assertEquals(1, JSON.readTree(parked).at("/headers/retries").asInt());
    assertNothingInFlight();
  }

  @Test
  void deadLettersKeepTheEnvelopeByteForByte() throws Exception {
    byte[] garbage = "{\"body\": 12, not json".getBytes(StandardCharsets.UTF_8);
    jedis.lpush(queue.getBytes(StandardCharsets.UTF_8), garbage);
    Delivery delivery = fetchOne();

    delivery.deadLetter("undecodable message: envelope is not JSON");

    List<DeadLetter> dead = broker.deadLetters().list(queue, 10);
    assertEquals(1, dead.size());
    assertEquals("undecodable message: envelope is not JSON", dead.get(0).reason());
    assertArrayEquals(garbage, dead.get(0).raw());
    assertNothingInFlight();
    assertEquals(1, broker.stats(queue).dead());

    assertEquals(1, broker.deadLetters().requeue(queue));
    assertArrayEquals(garbage, jedis.lindex(queue.getBytes(StandardCharsets.UTF_8), 0));
    assertEquals(0, broker.deadLetters().count(queue));
  }

  @Test
  void requeueReturnsTheMessageToTheHeadUnchanged() throws Exception {
    broker.publish(queue, message("first", 0));
    broker.publish(queue, message("second", 0));
    Delivery first = fetchOne();
    byte[] raw = first.raw();

    first.requeue();

    assertArrayEquals(raw, jedis.lindex(queue.getBytes(StandardCharsets.UTF_8), -1));
    assertEquals("first", fetchOne().message().task());
  }

  @Test
  void aLiveWorkerReturnsTheWorkOfOneWhoseHeartbeatLapsed() throws Exception {
    RedisSettings fast = RedisSettings.defaults().withHeartbeatTimeout(Duration.ofMillis(600));
    RedisBroker crashed = RedisBroker.connect(BrokerUrl.parse(TestRedis.URL), fast);
    for (int i = 0; i < 3; i++) {
      broker.publish(queue, message("m" + i, 0));
    }
    List<Delivery> held = crashed.fetch(List.of(queue), 10, Duration.ofSeconds(1));
    assertEquals(3, held.size());
    String id = crashed.workerId();
    // The crashed process stops heartbeating but leaves its records, as a SIGKILL would.
    crashed.close();
    assertEquals(3, jedis.hlen(RedisKeys.inFlight(id)));

    RedisBroker survivor = RedisBroker.connect(BrokerUrl.parse(TestRedis.URL), fast);
    try {
      Thread.sleep(700); // past the 600 ms heartbeat timeout: time that must pass, not a wait
      survivor.maintain();

      assertEquals(3, jedis.llen(queue));
      for (Delivery delivery : held) {
        assertFalse(jedis.hexists("unacked", ((RedisDelivery) delivery).field()));
      }
      assertFalse(jedis.exists(RedisKeys.inFlight(id)));
      assertEquals(java.util.Set.of("m0", "m1", "m2"), java.util.Set.copyOf(survivor.fetch(List.of(queue), 10,
          Duration.ofSeconds(1)).stream().map(d -> d.message().task()).toList()));
    } finally {
      survivor.close();
    }
  }

  @Test
  void recoveryLeavesAloneWhatKombuRestoredAndAnotherWorkerFetchedAgain() throws Exception {
    RedisSettings fast = RedisSettings.defaults().withHeartbeatTimeout(Duration.ofMillis(600));
    RedisBroker gone = RedisBroker.connect(BrokerUrl.parse(TestRedis.URL), fast);
    broker.publish(queue, message("once", 0));
    Delivery held = gone.fetch(List.of(queue), 1, Duration.ofSeconds(1)).get(0);
    String goneField = ((RedisDelivery) held).field();
    gone.close();
    // kombu's restore_visible after the visibility timeout: same delivery tag, back on the queue.
    String entry = jedis.hget("unacked", goneField);
    jedis.hdel("unacked", goneField);
    jedis.zrem("unacked_index", goneField);
    jedis.rpush(queue, entry.substring(1, entry.lastIndexOf(", \"\", ")));

    RedisBroker live = RedisBroker.connect(BrokerUrl.parse(TestRedis.URL), fast);
    try {
      Delivery again = live.fetch(List.of(queue), 1, Duration.ofSeconds(1)).get(0);
      Thread.sleep(700); // past the 600 ms heartbeat timeout: time that must pass, not a wait
      live.maintain();

      assertEquals(0, jedis.llen(queue), "the dead worker's copy must not come back");
      assertTrue(jedis.hexists("unacked", ((RedisDelivery) again).field()));
      again.ack();
    } finally {
      live.close();
    }
  }

  @Test
  void aWorkerCannotSettleWhatRecoveryTookFromIt() throws Exception {
    broker.publish(queue, message("taken", 0));
    Delivery delivery = fetchOne();
    // What recovery does to a worker whose heartbeat lapsed (a long GC pause, say).
    jedis.del(RedisKeys.inFlight(broker.workerId()));

    delivery.requeue();

    assertEquals(0, jedis.llen(queue));
  }

  @Test
  void staleEntriesOfPythonWorkersAreRestoredAsKombuDoes() throws Exception {
    broker.publish(queue, message("python-held", 7));
    String raw = jedis.rpop(queue + "\u0006\u00166");
    String tag = JSON.readTree(raw).at("/properties/delivery_tag").asText();
    // What kombu's QoS.append wrote for a Python worker that then died two hours ago.
    jedis.hset("unacked", tag, "[" + raw + ", \"\", \"" + queue + "\"]");
    jedis.zadd("unacked_index", (double) (Instant.now().getEpochSecond() - 7200), tag);

    broker.fetch(List.of(queue), 1, Duration.ofMillis(10));
    broker.maintain();

    String restored = jedis.lindex(queue + "\u0006\u00166", 0);
    JsonNode envelope = JSON.readTree(restored);
    assertTrue(envelope.at("/headers/redelivered").asBoolean());
    assertTrue(envelope.at("/properties/delivery_info/redelivered").asBoolean());
    assertEquals("python-held", envelope.at("/headers/task").asText());
    assertFalse(jedis.hexists("unacked", tag));
  }

  @Test
  void heartbeatKeepsOwnInFlightEntriesFresh() throws Exception {
    broker.publish(queue, message("long-running", 0));
    Delivery delivery = fetchOne();
    String tag = ((RedisDelivery) delivery).field();
    jedis.zadd("unacked_index", 1.0, tag);

    broker.maintain();

    assertTrue(jedis.zscore("unacked_index", tag) > Instant.now().getEpochSecond() - 60);
    assertTrue(jedis.hexists("unacked", tag));
    delivery.ack();
  }

  @Test
  void statsCountEveryState() throws Exception {
    for (int i = 0; i < 4; i++) {
      broker.publish(queue, message("m" + i, 0));
    }
    Delivery one = fetchOne();
    Delivery two = fetchOne();
    one.defer(Instant.now().plusSeconds(3600));
    two.deadLetter("test");
    Delivery three = fetchOne();

    QueueStats stats = broker.stats(queue);

    assertEquals(1, stats.ready());
    assertEquals(1, stats.inFlight());
    assertEquals(1, stats.delayed());
    assertEquals(1, stats.dead());
    assertTrue(stats.bytes() > 0);
    assertTrue(broker.queueNames().contains(queue));
    assertEquals(1, broker.purge(queue));
    three.ack();
  }

  @Test
  @SuppressWarnings("try") // the private Redis is a resource only to be up while the broker connects
  void anEnqueueWhileRedisIsAwayIsAClearErrorWithoutThePassword() throws Exception {
    int port = Ports.free();
    String url = "redis://:hunter2@127.0.0.1:" + port + "/0";
    RedisBroker broker;
    try (PrivateRedis redis = PrivateRedis.start(java.nio.file.Path.of("target", "private-redis"), port,
        "--requirepass", "hunter2")) {
      broker = RedisBroker.connect(BrokerUrl.parse(url),
          RedisSettings.defaults().withUnreachableTimeout(Duration.ofMillis(300)));
    }
    try {
      BrokerUnreachableException e = assertThrows(BrokerUnreachableException.class,
          () -> broker.publish(queue, message("x", 0)));
      assertEquals("could not enqueue: Redis at redis://:***@127.0.0.1:" + port + "/0 is unreachable (Connection"
          + " refused)", e.getMessage());
    } finally {
      broker.close();
    }
  }

  @Test
  @SuppressWarnings("try") // the private Redis is a resource only to be up while the broker connects
  void pingAnswersWhileRedisIsUpAndFailsAtOnceWhenItIsAway() throws Exception {
    int port = Ports.free();
    RedisBroker broker;
    try (PrivateRedis redis = PrivateRedis.start(java.nio.file.Path.of("target", "private-redis"), port)) {
      broker = RedisBroker.connect(BrokerUrl.parse("redis://127.0.0.1:" + port + "/0"), RedisSettings.defaults());
      broker.ping();
    }
    try {
      // No retry for the unreachable timeout (30 s by default): a health check wants the answer now.
      BrokerException e = assertThrows(BrokerException.class, broker::ping);
      assertTrue(e.getMessage().startsWith("could not ping on redis://127.0.0.1:" + port + "/0: "), e.getMessage());
    } finally {
      broker.close();
    }
  }

  private void assertNothingInFlight() {
    assertEquals(0, jedis.hlen(RedisKeys.inFlight(broker.workerId())));
  }

  private Delivery fetchOne() throws InterruptedException {
    List<Delivery> fetched = broker.fetch(List.of(queue), 1, Duration.ofSeconds(2));
    assertEquals(1, fetched.size());
    return fetched.get(0);
  }

  private static TaskMessage message(String task, int priority) {
    return MessageCodec.newMessage(new MessageCodec.NewMessage(task, UUID.randomUUID().toString(), List.of(),
        Map.of("k", 1), null, null, null, null, null, priority, Duration.ZERO));
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) {
    Waits.await("the condition", Duration.ofSeconds(5), condition::getAsBoolean);
  }
}
