package dev.celeriac.it.redis.robustness;

import dev.celeriac.it.TestRuns;
import dev.celeriac.it.Waits;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisDataException;
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
   * A private {@code redis-server} child on its own port and directory, with an fsync-always append-only
   * file and no RDB snapshots, so that whatever it acknowledged survives a stop and start.
   */
  static final class PrivateRedis implements AutoCloseable {
    final int port;
    final Path dir;
    private Process process;
    private int starts;

    private PrivateRedis(int port, Path dir) {
      this.port = port;
      this.dir = dir;
    }

    static PrivateRedis start(Path dir) throws IOException {
      PrivateRedis redis = new PrivateRedis(TestRuns.freePort(), dir);
      redis.launch();
      return redis;
    }

    String url() {
      return "redis://127.0.0.1:" + port + "/0";
    }

    Path log() {
      return dir.resolve("redis.log");
    }

    private void launch() throws IOException {
      launch(List.of(), "answer PING", this::answersPing);
    }

    private void launch(List<String> extraArgs, String what, BooleanSupplier started) throws IOException {
      starts++;
      List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
          "--bind", "127.0.0.1", "--appendonly", "yes", "--appendfsync", "always", "--save", "",
          "--dir", dir.toString(), "--daemonize", "no", "--logfile", ""));
      command.addAll(extraArgs);
      try {
        process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
            .start();
      } catch (IOException e) {
        throw new AssertionError("cannot start redis-server (is it installed?): " + e, e);
      }
      await("private redis-server on port " + port + " (start " + starts + ") to " + what,
          Duration.ofSeconds(20), () -> {
            if (!process.isAlive()) {
              throw new AssertionError("redis-server exited with " + process.exitValue() + ":\n" + TestRuns.tail(log(), 30));
            }
            return started.getAsBoolean();
          }, () -> TestRuns.tail(log(), 10));
    }

    /** PONG: it is up and its data is loaded. */
    private boolean answersPing() {
      try (Jedis jedis = new Jedis("127.0.0.1", port, 500)) {
        return "PONG".equals(jedis.ping());
      } catch (JedisException e) {
        return false;
      }
    }

    private boolean answersLoading() {
      try (Jedis jedis = new Jedis("127.0.0.1", port, 500)) {
        jedis.ping();
        throw new AssertionError("redis-server on port " + port + " loaded its data before it was seen loading");
      } catch (JedisDataException e) {
        return e.getMessage().startsWith("LOADING");
      } catch (JedisException e) {
        return false;
      }
    }

    long pid() {
      return process.pid();
    }

    /** SIGTERM, then waits for the exit: Redis fsyncs its append-only file and quits. */
    void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError("redis-server pid " + pid() + " did not exit within 30 s of SIGTERM");
      }
    }

    /** Starts it again on the same port and directory, and waits until it answers (its AOF loaded). */
    void restart() throws IOException {
      launch();
    }

    /**
     * Starts it again with every key of its append-only file {@code microsPerKey} slower to load (Redis'
     * hidden {@code key-load-delay}), and returns once it answers LOADING.
     */
    void restartLoadingSlowly(int microsPerKey) throws IOException {
      launch(List.of("--key-load-delay", Integer.toString(microsPerKey)), "answer LOADING", this::answersLoading);
    }

    /** Waits until it has loaded its data. */
    void awaitLoaded() {
      await("private redis-server on port " + port + " to load its data", Duration.ofSeconds(60), this::answersPing,
          () -> TestRuns.tail(log(), 10));
    }

    /** SIGTERM, then SIGKILL after 10 s, if still alive (for finally blocks). */
    @Override
    public void close() {
      if (process != null && process.isAlive()) {
        process.destroy();
        try {
          if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
