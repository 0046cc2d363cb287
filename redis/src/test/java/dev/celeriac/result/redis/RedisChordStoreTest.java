package dev.celeriac.result.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.broker.redis.TestRedis;
import dev.celeriac.canvas.ChordStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;

/** The chord join on a real Redis, in Celery's keys. */
@Tag("redis")
class RedisChordStoreTest {

  private JedisPooled redis;
  private RedisChordStore store;

  @BeforeEach
  void open() {
    TestRedis.flush();
    redis = new JedisPooled(TestRedis.HOST, TestRedis.PORT, null, null);
    // JedisPooled has no select; the store's keys go to db 0 of this test's own Redis, cleaned below.
    store = new RedisChordStore(redis, 60, Clock.systemUTC());
  }

  @AfterEach
  void close() {
    for (String key : redis.keys("celery-task*-meta-chord-test-*")) {
      redis.del(key);
    }
    redis.close();
  }

  @Test
  void theLastOfManyConcurrentMembersFiresOnceWithResultsInHeaderOrder() throws Exception {
    String group = "chord-test-" + System.nanoTime();
    int size = 50;
    store.setSize(group, size);
    int fired = 0;
    List<ChordStore.Join> joins = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<ChordStore.Join>> futures = new ArrayList<>();
      for (int i = size - 1; i >= 0; i--) {
        int index = i;
        futures.add(pool.submit(() -> store.partReturned(group, index, "task-" + index, "SUCCESS", index * 10)));
      }
      for (Future<ChordStore.Join> future : futures) {
        ChordStore.Join join = future.get();
        if (join != null) {
          fired++;
          joins.add(join);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, fired);
    List<Object> expected = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      expected.add(i * 10);
    }
    assertEquals(expected.toString(), joins.get(0).results().toString());
    assertEquals("50", redis.get("celery-taskset-meta-" + group + ".s"));
  }

  @Test
  void aMemberReportingTwiceCountsOnceAndOnlyItsClaimantFiresAgain() {
    String group = "chord-test-" + System.nanoTime();
    store.setSize(group, 2);
    assertNull(store.partReturned(group, 0, "a", "SUCCESS", 1));
    // Redelivered with another result: replaces, does not complete the chord.
    assertNull(store.partReturned(group, 0, "a", "SUCCESS", 2));
    assertEquals(1, redis.zcard("celery-taskset-meta-" + group + ".j"));
    ChordStore.Join join = store.partReturned(group, 1, "b", "SUCCESS", 3);
    assertNotNull(join);
    assertEquals("[2, 3]", join.results().toString());
    // b's message came back before it was acked: b fires again (its body id is the same); a does not.
    assertNotNull(store.partReturned(group, 1, "b", "SUCCESS", 3));
    assertNull(store.partReturned(group, 0, "a", "SUCCESS", 2));
    store.completed(group);
    assertFalse(redis.exists("celery-taskset-meta-" + group + ".j"));
    assertNull(store.partReturned(group, 1, "b", "SUCCESS", 3));
  }

  @Test
  void membersWrittenAsCeleryWritesThemCountTogether() {
    String group = "chord-test-" + System.nanoTime();
    store.setSize(group, 3);
    // What a Python header task's worker ZADDs (celery/backends/redis.py on_chord_part_return).
    redis.zadd("celery-taskset-meta-" + group + ".j", 0, "[1, \"py-0\", \"SUCCESS\", \"a\"]");
    redis.zadd("celery-taskset-meta-" + group + ".j", 2, "[1, \"py-2\", \"SUCCESS\", \"c\"]");
    ChordStore.Join join = store.partReturned(group, 1, "java-1", "SUCCESS", "b");
    assertEquals(List.of("a", "b", "c"), join.results());
  }

  @Test
  void aFailedMemberFailsTheJoinAndTheBodyIsStoredAsChordError() {
    String group = "chord-test-" + System.nanoTime();
    store.setSize(group, 2);
    store.partReturned(group, 0, "ok", "SUCCESS", 1);
    ChordStore.Join join = store.partReturned(group, 1, "bad", "FAILURE",
        Map.of("exc_type", "ValueError", "exc_message", List.of("boom", 42), "exc_module", "builtins"));
    assertTrue(join.failed());
    assertEquals("bad", join.failedTaskId());
    assertEquals("ValueError('boom', 42)", join.failure());
    String body = "chord-test-body-" + System.nanoTime();
    store.bodyFailed(body, group, "Dependency bad raised ValueError('boom', 42)");
    String stored = redis.get("celery-task-meta-" + body);
    assertTrue(stored.contains("\"exc_type\":\"ChordError\"") || stored.contains("\"exc_type\": \"ChordError\""),
        stored);
    redis.del("celery-task-meta-" + body);
  }
}
