package dev.celeriac.it.redis.sentinel;

import dev.celeriac.Extras;
import dev.celeriac.Task;
import java.util.Map;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The task of the Sentinel failover test, run by a {@code run worker} JVM: it counts its runs in database 14 of
 * the shared test Redis (not in the cluster under test, whose master the test kills), where the test reads them.
 */
public final class SentinelTasks {

  /** 6379, or {@code CELERIAC_TEST_REDIS_PORT} for a work tree's own {@code redis-server}. */
  static final int SHARED_PORT = Integer.parseInt(System.getenv().getOrDefault("CELERIAC_TEST_REDIS_PORT", "6379"));
  /** The database of the shared Redis that this suite owns. */
  static final int SHARED_DB = 14;
  /** Hash: sequence number of the enqueue → how many times it ran. */
  static final String RUNS = "sentinel:runs";

  private SentinelTasks() {}

  @Task(name = "celeriac.it.sentinel.run", queue = "sentinel")
  public static void sentinelRun(long seq, @Extras Map<String, Object> extras) {
    RunsDb.REDIS.hincrBy(RUNS, Long.toString(seq), 1);
  }

  /** Database 14 of the shared Redis, emptied; fails loudly (never skips) when that Redis does not answer. */
  static JedisPooled flushedRunsDb() {
    JedisPooled redis = runsDb();
    try {
      redis.flushDB();
    } catch (JedisException e) {
      redis.close();
      throw new AssertionError("the shared Redis at 127.0.0.1:" + SHARED_PORT + " is unreachable; the Sentinel"
          + " tests count runs in its database " + SHARED_DB + ": " + e, e);
    }
    return redis;
  }

  private static JedisPooled runsDb() {
    return new JedisPooled(new HostAndPort("127.0.0.1", SHARED_PORT),
        DefaultJedisClientConfig.builder().database(SHARED_DB).build());
  }

  /** The worker JVM's pool, opened on first use. */
  private static final class RunsDb {
    static final JedisPooled REDIS = runsDb();
  }
}
