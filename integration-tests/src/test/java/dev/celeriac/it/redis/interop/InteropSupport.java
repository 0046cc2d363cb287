package dev.celeriac.it.redis.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.celeriac.it.interop.PythonCelery;
import dev.celeriac.testsupport.Processes;
import dev.celeriac.testsupport.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import redis.clients.jedis.Jedis;

/**
 * Helpers for the Redis interop tests: Python Celery ({@link PythonCelery}) on the test's own Redis database,
 * waiting with a deadline, and reading kombu's keys there. Nothing here skips: a missing Redis or Python
 * Celery fails the test with what is missing.
 */
final class InteropSupport {

  /** The Redis database these tests own; flushed at the start of the class and of each test. */
  static final int DB = 12;
  /** 6379, or {@code CELERIAC_TEST_REDIS_PORT} for a second work tree's own {@code redis-server}. */
  static final int PORT = Integer.parseInt(System.getenv().getOrDefault("CELERIAC_TEST_REDIS_PORT", "6379"));
  static final String BROKER_URL = "redis://127.0.0.1:" + PORT + "/" + DB;
  /** kombu's separator between a queue name and its priority step (kombu/transport/redis.py). */
  static final String PRIORITY_SEPARATOR = "\u0006\u0016";
  static final int[] PRIORITY_STEPS = {0, 3, 6, 9};

  static final ObjectMapper JSON = PythonCelery.JSON;
  /** interop_app.py on this database; its py_record task appends to the Redis list {@code interop:py:records}. */
  static final PythonCelery CELERY = new PythonCelery(BROKER_URL, Map.of());

  private InteropSupport() {}

  /** Where child process output goes: {@code target/interop-logs}. */
  static Path logDir() {
    return PythonCelery.logDir();
  }

  /** A connection to the test database. */
  static Jedis redis() {
    Jedis jedis = new Jedis("127.0.0.1", PORT, 5000);
    jedis.select(DB);
    return jedis;
  }

  /** Fails unless Redis answers on 127.0.0.1:{@link #PORT}. */
  static void requireRedis() {
    try (Jedis jedis = redis()) {
      assertEquals("PONG", jedis.ping());
    } catch (RuntimeException e) {
      fail("Redis is required on 127.0.0.1:" + PORT + " (db " + DB + ") and did not answer: " + e, e);
    }
  }

  /** Fails unless /usr/bin/python3 imports celery 5, kombu and redis. */
  static void requirePythonCelery() {
    CELERY.require("redis");
  }

  /** Runs {@code interop_app.py command args...}, fails on a non-zero exit, returns its JSON lines. */
  static List<Map<String, Object>> interopCommand(String command, String... args) {
    return CELERY.command(command, args);
  }

  /** Starts a Celery worker of {@code interop_app} on {@code queue}; stop it with {@link Processes#stop(Process)}. */
  static Process startCeleryWorker(String queue, Path log) {
    return CELERY.startWorker(queue, log);
  }

  static void stop(Process process) {
    Processes.stop(process);
  }

  /**
   * Waits until {@code condition} holds, polling every 20 ms; fails after {@code timeout} with {@code what}
   * and the diagnostics.
   */
  static void await(String what, Duration timeout, BooleanSupplier condition, Supplier<String> diagnostics) {
    Waits.await(what, timeout, condition::getAsBoolean, diagnostics);
  }

  static void sleep(Duration duration) {
    Waits.sleep(duration);
  }

  /** The list a message of {@code step} priority is on, as kombu names it. */
  static String priorityKey(String queue, int step) {
    return step == 0 ? queue : queue + PRIORITY_SEPARATOR + step;
  }

  /** Messages waiting on every priority list of {@code queue}. */
  static long ready(Jedis redis, String queue) {
    long total = 0;
    for (int step : PRIORITY_STEPS) {
      total += redis.llen(priorityKey(queue, step));
    }
    return total;
  }

  /** A one-line picture of kombu's in-flight structures and the queue, for failure messages. */
  static String brokerState(String queue) {
    try (Jedis redis = redis()) {
      return "ready on " + queue + " " + ready(redis, queue) + ", unacked " + redis.hlen("unacked")
          + ", unacked_index " + redis.zcard("unacked_index") + ", delayed " + redis.zcard("celeriac:delayed:" + queue)
          + ", dead " + redis.llen("celeriac:dead:" + queue);
    }
  }

  static Map<String, Object> parse(String json) {
    return PythonCelery.parse(json);
  }

  static JsonNode tree(String json) {
    return PythonCelery.tree(json);
  }

  /** The last {@code lines} lines of a log file. */
  static String tail(Path file, int lines) {
    return PythonCelery.tail(file, lines);
  }
}
