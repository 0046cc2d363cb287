package dev.celeriac.result.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.broker.TcpProxy;
import dev.celeriac.broker.redis.RedisClients;
import dev.celeriac.broker.redis.RedisEndpoint;
import dev.celeriac.broker.redis.TestRedis;
import dev.celeriac.result.ResultMeta;
import dev.celeriac.result.ResultMetaCodec;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.providers.ConnectionProvider;

/**
 * The result waits' subscribed connection against a real Redis, seen through a {@link TcpProxy} a test can silence:
 * a connection that stops answering is found by its unanswered PING and replaced, closing ends the waits at once, and
 * a timeout of a thousand years is a long wait, not an overflow that returns at once.
 */
class ResultSubscriptionsTest {

  static final int DB = 12;
  static final Duration PING = Duration.ofMillis(200);

  JedisPooled redis;
  TcpProxy proxy;
  ConnectionProvider connections;
  ResultSubscriptions waits;

  @BeforeEach
  void setUp() throws Exception {
    redis = new JedisPooled("redis://" + TestRedis.HOST + ":" + TestRedis.PORT + "/" + DB);
    proxy = TcpProxy.start(TestRedis.PORT);
    RedisEndpoint endpoint = RedisEndpoint.parse("redis://127.0.0.1:" + proxy.port() + "/" + DB, null);
    connections = RedisClients.openBlocking(endpoint, "celeriac-result-waits-test");
    waits = new ResultSubscriptions(connections, this::read, endpoint.toString(), PING);
  }

  @AfterEach
  void tearDown() throws Exception {
    waits.close();
    connections.close();
    proxy.close();
    redis.close();
  }

  private ResultMeta read(String taskId) {
    String stored = redis.get(RedisResultBackend.key(taskId));
    return stored == null ? ResultMeta.pending(taskId) : ResultMetaCodec.decode(stored);
  }

  /** Stores {@code value} as the worker's writer does: SETEX, then PUBLISH on the key. */
  private void store(String taskId, Object value) {
    String json = ResultMetaCodec.encode(ResultMeta.success(taskId, value, LocalDateTime.now(ZoneOffset.UTC), null));
    redis.setex(RedisResultBackend.key(taskId), 60, json);
    redis.publish(RedisResultBackend.key(taskId), json);
  }

  private CompletableFuture<Optional<ResultMeta>> await(String taskId, Duration timeout) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return waits.await(taskId, timeout);
      } catch (InterruptedException e) {
        throw new CompletionException(e);
      }
    });
  }

  /** Until Redis counts a subscriber on {@code taskId}'s key. */
  private void awaitSubscribed(String taskId) throws InterruptedException {
    String channel = RedisResultBackend.key(taskId);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (subscribers(channel) == 0) {
      assertTrue(System.nanoTime() < deadline, "no subscription to " + channel + " within 10 s");
      Thread.sleep(10);
    }
  }

  private static long subscribers(String channel) {
    try (Jedis admin = new Jedis(TestRedis.HOST, TestRedis.PORT)) {
      return admin.pubsubNumSub(channel).getOrDefault(channel, 0L);
    }
  }

  @Test
  void aConnectionThatFallsSilentIsReplacedAfterAnUnansweredPing() throws Exception {
    String id = UUID.randomUUID().toString();
    CompletableFuture<Optional<ResultMeta>> value = await(id, Duration.ofSeconds(60));
    awaitSubscribed(id);
    // The subscribed connection stays open but nothing crosses it any more: the published result never arrives on
    // it, and without the PING the wait would last its full minute.
    proxy.silence();
    store(id, 42L);
    ResultMeta meta = value.get(10, TimeUnit.SECONDS).orElseThrow();
    assertEquals(42L, ((Number) meta.result()).longValue());
  }

  @Test
  void closingEndsRunningWaitsAtOnce() throws Exception {
    String id = UUID.randomUUID().toString();
    CompletableFuture<Optional<ResultMeta>> value = await(id, Duration.ofDays(365L * 1000));
    awaitSubscribed(id);
    waits.close();
    ExecutionException ended = assertThrows(ExecutionException.class, () -> value.get(5, TimeUnit.SECONDS));
    assertInstanceOf(IllegalStateException.class, ended.getCause());
    assertThrows(IllegalStateException.class, () -> waits.await(id, Duration.ofSeconds(1)));
  }

  @Test
  void aTimeoutBeyondNanoTimesRangeIsALongWaitNotAnOverflow() throws Exception {
    String id = UUID.randomUUID().toString();
    CompletableFuture<Optional<ResultMeta>> value = await(id, Duration.ofSeconds(Long.MAX_VALUE));
    awaitSubscribed(id);
    Thread.sleep(300); // an overflowed deadline would have timed out by now, PENDING
    assertTrue(!value.isDone(), "the wait ended before its result: " + value);
    store(id, "done");
    assertEquals("done", value.get(10, TimeUnit.SECONDS).orElseThrow().result());
  }
}
