package dev.celeriac.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.broker.BrokerUrl;
import dev.celeriac.broker.Delivery;
import dev.celeriac.protocol.KombuEnvelope;
import dev.celeriac.protocol.MessageCodec;
import dev.celeriac.protocol.TaskMessage;
import dev.celeriac.testsupport.Waits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** An idle Redis consumer wakes on arrival through its hand-off lists, which recovery and close return. */
@Tag("redis")
class ArrivalWatchTest {

  private final String queue = "w-" + UUID.randomUUID();
  private RedisBroker broker;
  private Jedis jedis;

  @BeforeEach
  void connect() {
    // The tests count the database's unacked entries, which the runtime's tests, on the same database, can leave
    // behind: a worker they kill leaves its in-flight messages to the next broker's recovery.
    TestRedis.flush();
    broker = RedisBroker.connect(BrokerUrl.parse(TestRedis.URL), RedisSettings.defaults());
    jedis = TestRedis.connect();
  }

  @AfterEach
  void close() {
    broker.close();
    jedis.close();
  }

  @Test
  void anIdleFetchWakesOnAMessageAPythonProducerPushesAndNothingIsLeftInTheHandOff() throws Exception {
    assertTrue(broker.fetch(List.of(queue), 1, Duration.ofMillis(50)).isEmpty());
    CompletableFuture<List<Delivery>> waiting = CompletableFuture.supplyAsync(() -> fetch(30));
    awaitBlocked(); // the fetch now blocks in Redis
    assertFalse(waiting.isDone());
    // As kombu does: a bare LPUSH of the envelope, no notification of any kind.
    jedis.lpush(queue.getBytes(StandardCharsets.UTF_8), KombuEnvelope.encode(message("wake", 0), queue, "t1"));

    List<Delivery> fetched = waiting.get(20, TimeUnit.SECONDS); // far below the 30 s the fetch may wait
    assertEquals(List.of("wake"), fetched.stream().map(d -> d.message().task()).toList());
    // Started from the BLMOVE reply: still in the hand-off list, which recovery knows, until it is claimed.
    byte[] handoff = RedisKeys.handoff(broker.workerId(), queue.getBytes(StandardCharsets.UTF_8));
    assertEquals(1, jedis.llen(handoff));
    assertEquals(0, jedis.hlen(RedisKeys.inFlight(broker.workerId())));
    assertTrue(jedis.sismember(RedisKeys.handoffs(broker.workerId()), queue));
    fetched.forEach(Delivery::ack);
    awaitNothingInFlight();
    assertEquals(0, jedis.llen(handoff));
    assertEquals(0, jedis.hlen(RedisKeys.inFlight(broker.workerId())));
    assertEquals(0, jedis.hlen(RedisKeys.UNACKED));
  }

  @Test
  void aWaitingFetchHandsTheMovedMessageOverOnTheWatchersThread() throws Exception {
    assertTrue(broker.fetch(List.of(queue), 1, Duration.ofMillis(50)).isEmpty());
    CompletableFuture<Delivery> handed = new CompletableFuture<>();
    CompletableFuture<String> thread = new CompletableFuture<>();
    CompletableFuture<List<Delivery>> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return broker.fetch(List.of(queue), 1, Duration.ofSeconds(30), delivery -> {
          thread.complete(Thread.currentThread().getName());
          handed.complete(delivery);
        });
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    awaitBlocked();
    jedis.lpush(queue.getBytes(StandardCharsets.UTF_8), KombuEnvelope.encode(message("direct", 0), queue, "t1"));

    assertEquals(List.of(), waiting.get(20, TimeUnit.SECONDS)); // what it handed over, it does not return
    assertEquals("direct", handed.get(1, TimeUnit.SECONDS).message().task());
    assertEquals("celeriac-redis-wait", thread.get());
    handed.get().ack();
    awaitNothingInFlight();
    assertEquals(0, jedis.llen(RedisKeys.handoff(broker.workerId(), queue.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void theNextFetchClaimsARunningMessageBeforeItDrainsTheHandOff() throws Exception {
    byte[] handoff = RedisKeys.handoff(broker.workerId(), queue.getBytes(StandardCharsets.UTF_8));
    Delivery running = wakeOn("running");
    // What another watcher moves before it is unblocked.
    jedis.lpush(handoff, KombuEnvelope.encode(message("moved-too", 0), queue, "t2"));

    List<Delivery> next = broker.fetch(List.of(queue), 10, Duration.ofMillis(200));

    assertEquals(List.of("moved-too"), next.stream().map(d -> d.message().task()).toList());
    assertEquals(0, jedis.llen(handoff));
    assertEquals(2, jedis.hlen(RedisKeys.inFlight(broker.workerId())));
    running.ack();
    next.forEach(Delivery::ack);
    awaitNothingInFlight();
    assertEquals(0, jedis.hlen(RedisKeys.inFlight(broker.workerId())));
    assertEquals(0, jedis.hlen(RedisKeys.UNACKED));
  }

  @Test
  void aRunningMessageIsNotHandedBackWhenTheWorkerStopsConsuming() throws Exception {
    Delivery running = wakeOn("running");

    broker.stopConsuming(List.of(queue));

    assertEquals(List.of(), tasksIn(queue.getBytes(StandardCharsets.UTF_8)));
    assertEquals(1, jedis.hlen(RedisKeys.inFlight(broker.workerId())));
    running.ack();
    awaitNothingInFlight();
    assertEquals(0, jedis.hlen(RedisKeys.inFlight(broker.workerId())));
  }

  @Test
  void aRunningMessageRequeuedBeforeItsClaimGoesBackOnce() throws Exception {
    byte[] key = queue.getBytes(StandardCharsets.UTF_8);
    Delivery running = wakeOn("requeued");

    running.requeue();

    assertEquals(List.of("requeued"), tasksIn(key));
    assertEquals(0, jedis.llen(RedisKeys.handoff(broker.workerId(), key)));
    assertEquals(0, jedis.hlen(RedisKeys.inFlight(broker.workerId())));
  }

  @Test
  void aRunningMessageReturnedToItsQueueBeforeItsClaimIsNoLongerOwned() throws Exception {
    byte[] key = queue.getBytes(StandardCharsets.UTF_8);
    Delivery running = wakeOn("returned");
    // What recovery does when it takes this worker for dead: the hand-off list goes back to its queue.
    jedis.rpoplpush(RedisKeys.handoff(broker.workerId(), key), key);

    running.retry(running.message());

    // Neither claimed nor retried: the message runs once more from its queue, as after any lost ownership.
    assertEquals(List.of("returned"), tasksIn(key));
    assertEquals(0, jedis.hlen(RedisKeys.inFlight(broker.workerId())));
    assertEquals(0, jedis.hlen(RedisKeys.UNACKED));
  }

  @Test
  void anAckWhoseClaimFailsIsSentOnceALaterClaimSucceeds() throws Exception {
    // An ACL that refuses scripts makes the claim fail as a Redis that does not answer would, but on demand.
    String user = "celeriac-claims-" + UUID.randomUUID();
    jedis.aclSetUser(user, "on", ">secret", "~*", "&*", "+@all");
    RedisBroker limited = RedisBroker.connect(BrokerUrl.parse("redis://" + user + ":secret@" + TestRedis.HOST + ":"
        + TestRedis.PORT + "/" + TestRedis.DATABASE), RedisSettings.defaults());
    byte[] handoff = RedisKeys.handoff(limited.workerId(), queue.getBytes(StandardCharsets.UTF_8));
    try {
      assertTrue(limited.fetch(List.of(queue), 1, Duration.ofMillis(50)).isEmpty());
      CompletableFuture<List<Delivery>> waiting = CompletableFuture.supplyAsync(() -> {
        try {
          return limited.fetch(List.of(queue), 1, Duration.ofSeconds(30));
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      String name = " name=celeriac-wait:" + limited.workerId().replaceAll("[^!-~]", "_") + " ";
      Waits.await("the fetch to block in Redis", Duration.ofSeconds(10),
          () -> jedis.clientList().lines().anyMatch(line -> line.contains(name) && line.matches(".* flags=\\S*b.*")),
          jedis::clientList);
      jedis.lpush(queue.getBytes(StandardCharsets.UTF_8), KombuEnvelope.encode(message("acked", 0), queue, "t1"));
      Delivery running = waiting.get(20, TimeUnit.SECONDS).get(0);

      jedis.aclSetUser(user, "-evalsha", "-eval");
      running.ack(); // the claim fails: the ack waits for it, and nothing is lost or thrown
      assertEquals(1, jedis.llen(handoff));
      assertEquals(0, jedis.hlen(RedisKeys.inFlight(limited.workerId())));

      jedis.aclSetUser(user, "+@all");
      assertEquals(List.of(), limited.fetch(List.of(queue), 1, Duration.ofMillis(100))); // claims, then acks
      Waits.await("the deferred ack to reach Redis", Duration.ofSeconds(10),
          () -> jedis.llen(handoff) == 0 && jedis.hlen(RedisKeys.inFlight(limited.workerId())) == 0
              && jedis.hlen(RedisKeys.UNACKED) == 0,
          () -> "hand-off " + jedis.llen(handoff) + ", in flight "
              + jedis.hkeys(RedisKeys.inFlight(limited.workerId())));
      assertEquals(0, jedis.llen(queue.getBytes(StandardCharsets.UTF_8)));
    } finally {
      limited.close();
      jedis.aclDelUser(user);
    }
  }

  /** Pushes {@code task} while a fetch waits, and returns its delivery, started from the watcher's move. */
  private Delivery wakeOn(String task) throws Exception {
    assertTrue(broker.fetch(List.of(queue), 1, Duration.ofMillis(50)).isEmpty());
    CompletableFuture<List<Delivery>> waiting = CompletableFuture.supplyAsync(() -> fetch(30));
    awaitBlocked();
    jedis.lpush(queue.getBytes(StandardCharsets.UTF_8), KombuEnvelope.encode(message(task, 0), queue, "t1"));
    List<Delivery> fetched = waiting.get(20, TimeUnit.SECONDS);
    assertEquals(List.of(task), fetched.stream().map(d -> d.message().task()).toList());
    assertEquals(0, jedis.hlen(RedisKeys.inFlight(broker.workerId())), "claimed before it started");
    return fetched.get(0);
  }

  @Test
  void aPriorityMessageWakesTheWorkerAsWell() throws Exception {
    broker.fetch(List.of(queue), 1, Duration.ofMillis(50));
    CompletableFuture<List<Delivery>> waiting = CompletableFuture.supplyAsync(() -> fetch(30));
    awaitBlocked();
    broker.publish(queue, message("p9", 9));
    List<Delivery> fetched = waiting.get(20, TimeUnit.SECONDS);
    assertEquals(List.of("p9"), fetched.stream().map(d -> d.message().task()).toList());
    fetched.forEach(Delivery::ack);
  }

  @Test
  void theHandOffIsDrainedBeforeItsListAndAheadOfLowerPriorities() throws Exception {
    byte[] key = queue.getBytes(StandardCharsets.UTF_8);
    byte[] handoff = RedisKeys.handoff(broker.workerId(), key);
    broker.fetch(List.of(queue), 1, Duration.ofMillis(50)); // starts consuming
    // What a watcher leaves behind when it moved a message after the consumer stopped waiting.
    jedis.lpush(handoff, KombuEnvelope.encode(message("oldest", 0), queue, "t1"));
    // A message that arrives while the consumer waits starts at once and marks the hand-off lists for the next fetch.
    Delivery trigger = wakeOn("trigger");
    jedis.lpush(key, KombuEnvelope.encode(message("newer", 0), queue, "t2"));
    broker.publish(queue, message("p9", 9));

    List<Delivery> fetched = broker.fetch(List.of(queue), 10, Duration.ofSeconds(2));

    assertEquals(List.of("oldest", "newer", "p9"), fetched.stream().map(d -> d.message().task()).toList());
    assertEquals(0, jedis.llen(handoff));
    trigger.ack();
    fetched.forEach(Delivery::ack);
    awaitNothingInFlight();
  }

  @Test
  void aWaitReturnsAtOnceWhenAMoveWasNotTakenYet() throws Exception {
    // A watcher moved a message after the consumer's last look at the flag and before it waits again: the wait must
    // not sleep through it. Nothing arrives here, so a wait that ignored the flag would run its whole 60 s.
    try (redis.clients.jedis.JedisPooled control = new redis.clients.jedis.JedisPooled(TestRedis.HOST, TestRedis.PORT)) {
      ArrivalWatch watch = new ArrivalWatch(RedisEndpoint.parse(TestRedis.URL, null), control, "celeriac-wait-test",
          key -> RedisKeys.handoff("test-worker", key), keys -> {});
      try {
        watch.markPending();
        CompletableFuture<Boolean> waited = CompletableFuture.supplyAsync(() -> {
          try {
            return watch.await(List.of(queue.getBytes(StandardCharsets.UTF_8)), TimeUnit.SECONDS.toNanos(60));
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });
        assertTrue(waited.get(30, TimeUnit.SECONDS));
        assertTrue(watch.takePending());
      } finally {
        watch.close();
      }
    }
  }

  @Test
  void closeReturnsWhatTheHandOffHoldsToTheHeadOfItsQueue() throws Exception {
    byte[] key = queue.getBytes(StandardCharsets.UTF_8);
    broker.fetch(List.of(queue), 1, Duration.ofMillis(50));
    CompletableFuture<List<Delivery>> waiting = CompletableFuture.supplyAsync(() -> fetch(1));
    waiting.get(20, TimeUnit.SECONDS); // the watcher was started and registered
    byte[] handoff = RedisKeys.handoff(broker.workerId(), key);
    jedis.lpush(key, KombuEnvelope.encode(message("queued", 0), queue, "t1"));
    jedis.lpush(handoff, KombuEnvelope.encode(message("taken-2", 0), queue, "t3"));
    jedis.rpush(handoff, KombuEnvelope.encode(message("taken-1", 0), queue, "t2"));

    broker.close();

    assertEquals(0, jedis.llen(handoff));
    assertFalse(jedis.exists(RedisKeys.handoffs(broker.workerId())));
    assertEquals(List.of("taken-1", "taken-2", "queued"), tasksIn(key));
  }

  @Test
  void recoveryReturnsTheHandOffOfAWorkerWhoseHeartbeatLapsed() throws Exception {
    byte[] key = queue.getBytes(StandardCharsets.UTF_8);
    String dead = "dead-host:1:" + UUID.randomUUID();
    byte[] handoff = RedisKeys.handoff(dead, key);
    jedis.zadd(RedisKeys.WORKERS, 1, dead.getBytes(StandardCharsets.UTF_8));
    jedis.sadd(RedisKeys.handoffs(dead), queue);
    jedis.lpush(handoff, KombuEnvelope.encode(message("taken", 0), queue, "t1"));

    broker.maintain();

    assertEquals(0, jedis.llen(handoff));
    assertFalse(jedis.exists(RedisKeys.handoffs(dead)));
    assertEquals(List.of("taken"), tasksIn(key));
  }

  @Test
  void closeWakesABlockedWatcherPromptly() throws Exception {
    broker.fetch(List.of(queue), 1, Duration.ofMillis(50));
    CompletableFuture<List<Delivery>> waiting = CompletableFuture.supplyAsync(() -> fetch(1));
    waiting.get(20, TimeUnit.SECONDS);
    long start = System.nanoTime();
    broker.close();
    // CLIENT UNBLOCK, not the BLMOVE timeout; a loose bound: this only shows close does not hang.
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
    assertEquals(0L, jedis.clientList().lines().filter(l -> l.contains("name=celeriac-wait:")
        && l.contains(broker.workerId().replaceAll("[^!-~]", "_"))).count());
  }

  @Test
  void aRedisThatRefusesBlmoveIsPolledInstead() throws Exception {
    // An ACL without BLMOVE stands for a Redis older than 6.2, which answers it with an error too.
    String user = "celeriac-no-blmove-" + UUID.randomUUID();
    jedis.aclSetUser(user, "on", ">secret", "~*", "&*", "+@all", "-blmove");
    RedisBroker limited = RedisBroker.connect(BrokerUrl.parse("redis://" + user + ":secret@" + TestRedis.HOST + ":"
        + TestRedis.PORT + "/" + TestRedis.DATABASE), RedisSettings.defaults());
    try {
      assertTrue(limited.fetch(List.of(queue), 1, Duration.ofMillis(300)).isEmpty());
      CompletableFuture<List<Delivery>> waiting = CompletableFuture.supplyAsync(() -> {
        try {
          return limited.fetch(List.of(queue), 1, Duration.ofSeconds(30));
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      // A polling fetch shows nothing in Redis to wait for: time for it to start polling.
      Thread.sleep(300);
      jedis.lpush(queue.getBytes(StandardCharsets.UTF_8), KombuEnvelope.encode(message("polled", 0), queue, "t1"));
      List<Delivery> fetched = waiting.get(20, TimeUnit.SECONDS);
      assertEquals(List.of("polled"), fetched.stream().map(d -> d.message().task()).toList());
      fetched.forEach(Delivery::ack);
    } finally {
      limited.close();
      jedis.aclDelUser(user);
    }
  }

  private List<String> tasksIn(byte[] key) {
    // Consumption order: from the right (head) to the left.
    List<byte[]> raw = jedis.lrange(key, 0, -1);
    java.util.Collections.reverse(raw);
    return raw.stream().map(bytes -> KombuEnvelope.decode(bytes).message().task()).toList();
  }

  /** Waits until the acks sent in batches reached Redis. */
  private void awaitNothingInFlight() {
    Waits.await("the acks to reach Redis", Duration.ofSeconds(10),
        () -> jedis.hlen(RedisKeys.inFlight(broker.workerId())) == 0, () -> "in flight: "
            + jedis.hkeys(RedisKeys.inFlight(broker.workerId())));
  }

  /** Waits until one of the broker's watch connections blocks in Redis (CLIENT LIST flag b). */
  private void awaitBlocked() {
    String name = " name=celeriac-wait:" + broker.workerId().replaceAll("[^!-~]", "_") + " ";
    Waits.await("the fetch to block in Redis", Duration.ofSeconds(10),
        () -> jedis.clientList().lines().anyMatch(line -> line.contains(name) && line.matches(".* flags=\\S*b.*")),
        jedis::clientList);
  }

  private List<Delivery> fetch(int seconds) {
    return fetch(seconds, 1);
  }

  private List<Delivery> fetch(int seconds, int max) {
    try {
      return broker.fetch(List.of(queue), max, Duration.ofSeconds(seconds));
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TaskMessage message(String task, int priority) {
    return MessageCodec.newMessage(new MessageCodec.NewMessage(task, UUID.randomUUID().toString(), List.of(),
        Map.of("k", 1), null, null, null, null, null, priority, Duration.ZERO));
  }
}
