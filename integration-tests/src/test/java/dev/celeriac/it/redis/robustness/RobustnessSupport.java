package dev.celeriac.it.redis.robustness;

import dev.celeriac.testsupport.PrivateRedis;
import dev.celeriac.testsupport.Waits;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

/**
 * What the Redis robustness tests share: the shared Redis (database 11 only), private {@code redis-server}
 * children, and waiting ({@code run worker} child JVMs are {@link dev.celeriac.it.WorkerProcess}). Every
 * child process is started here and ended by its own handle, never by name.
 */
final class RobustnessSupport {

  static final String SHARED_HOST = "127.0.0.1";
  /** 6379, or {@code CELERIAC_TEST_REDIS_PORT} for a second work tree's own {@code redis-server}. */
  static final int SHARED_PORT = Integer.parseInt(System.getenv().getOrDefault("CELERIAC_TEST_REDIS_PORT", "6379"));
  /** The only database of the shared Redis these tests touch. */
  static final int SHARED_DB = 11;
  static final String SHARED_BROKER = "redis://" + SHARED_HOST + ":" + SHARED_PORT + "/" + SHARED_DB;

  private RobustnessSupport() {}

  /** A connection pool to database 11 of the shared Redis; fails loudly (never skips) when it is unreachable. */
  static JedisPooled sharedDb() {
    JedisPooled redis = new JedisPooled(new HostAndPort(SHARED_HOST, SHARED_PORT),
        DefaultJedisClientConfig.builder().database(SHARED_DB).connectionTimeoutMillis(2000).build());
    try {
      redis.ping();
    } catch (JedisException e) {
      redis.close();
      throw new AssertionError("the shared Redis at " + SHARED_HOST + ":" + SHARED_PORT
          + " is unreachable; these tests need it (database " + SHARED_DB + "): " + e, e);
    }
    return redis;
  }

  /** {@link #sharedDb()} after {@code FLUSHDB} of database 11. */
  static JedisPooled flushedSharedDb() {
    JedisPooled redis = sharedDb();
    redis.flushDB();
    return redis;
  }

  /** Waits for {@code condition}, polling every few milliseconds; fails with {@code what} and {@code state}. */
  static void await(String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
    Waits.await(what, timeout, condition::getAsBoolean, state);
  }

  static void sleep(Duration duration) {
    Waits.sleep(duration);
  }

  /**
   * A private {@code redis-server} child on its own port and directory, with an fsync-always append-only file and no
   * RDB snapshots, so that whatever it acknowledged survives a stop and start.
   */
  static PrivateRedis persistentRedis(Path dir) throws IOException {
    return PrivateRedis.start(dir, "--appendonly", "yes", "--appendfsync", "always");
  }
}
