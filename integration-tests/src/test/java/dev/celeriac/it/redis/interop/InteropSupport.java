package dev.celeriac.it.redis.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.celeriac.it.Waits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import redis.clients.jedis.Jedis;

/**
 * Helpers for the Redis interop tests: the Python interpreter and Celery worker as child processes, waiting
 * with a deadline, and reading kombu's keys in the test's own Redis database. Nothing here skips: a missing
 * Redis or Python Celery fails the test with what is missing.
 */
final class InteropSupport {

  /** The Redis database these tests own; flushed at the start of the class and of each test. */
  static final int DB = 12;
  static final String BROKER_URL = "redis://127.0.0.1:6379/" + DB;
  /** Debian's interpreter, which has python3-celery 5.2.6; never the pyenv one on PATH. */
  static final String PYTHON = "/usr/bin/python3";
  /** kombu's separator between a queue name and its priority step (kombu/transport/redis.py). */
  static final String PRIORITY_SEPARATOR = "\u0006\u0016";
  static final int[] PRIORITY_STEPS = {0, 3, 6, 9};

  static final ObjectMapper JSON = new ObjectMapper();

  private InteropSupport() {}

  /** {@code src/test/python} of this module. */
  static Path pythonDir() {
    Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    Path dir = base.resolve("src/test/python");
    if (!Files.isRegularFile(dir.resolve("interop_app.py"))) {
      dir = base.resolve("integration-tests/src/test/python");
    }
    if (!Files.isRegularFile(dir.resolve("interop_app.py"))) {
      fail("interop_app.py not found under " + base + "/[integration-tests/]src/test/python");
    }
    return dir.toAbsolutePath();
  }

  /** Where child process output goes: {@code target/interop-logs}. */
  static Path logDir() {
    Path dir = pythonDir().resolve("../../../target/interop-logs").normalize();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return dir;
  }

  /** A connection to the test database. */
  static Jedis redis() {
    Jedis jedis = new Jedis("127.0.0.1", 6379, 5000);
    jedis.select(DB);
    return jedis;
  }

  /** Fails unless Redis answers on 127.0.0.1:6379. */
  static void requireRedis() {
    try (Jedis jedis = redis()) {
      assertEquals("PONG", jedis.ping());
    } catch (RuntimeException e) {
      fail("Redis is required on 127.0.0.1:6379 (db " + DB + ") and did not answer: " + e, e);
    }
  }

  /** Fails unless /usr/bin/python3 imports celery 5, kombu and redis. */
  static void requirePythonCelery() {
    if (!Files.isExecutable(Path.of(PYTHON))) {
      fail(PYTHON + " is required (Debian's python3 with python3-celery and python3-redis) and is missing");
    }
    PythonResult result = python(Duration.ofSeconds(30), "-c",
        "import celery, kombu, redis; assert celery.VERSION.major == 5, celery.__version__;"
            + " print(celery.__version__, kombu.__version__, redis.__version__)");
    if (result.exitCode() != 0) {
      fail(PYTHON + " cannot run Celery (install python3-celery and python3-redis):\n" + result.stderr());
    }
  }

  /** What a finished Python process printed. */
  record PythonResult(int exitCode, String stdout, String stderr) {
    /** Each stdout line that is a JSON object. */
    List<Map<String, Object>> objects() {
      List<Map<String, Object>> objects = new ArrayList<>();
      for (String line : stdout.split("\n")) {
        if (line.startsWith("{")) {
          objects.add(parse(line));
        }
      }
      return objects;
    }
  }

  /** Runs {@code /usr/bin/python3 args...} in the python directory and waits for it, up to {@code timeout}. */
  static PythonResult python(Duration timeout, String... args) {
    List<String> command = new ArrayList<>();
    command.add(PYTHON);
    command.addAll(List.of(args));
    String name = "python-" + System.nanoTime();
    Path out = logDir().resolve(name + ".out");
    Path err = logDir().resolve(name + ".err");
    Process process = start(command, out, err);
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        stop(process);
        fail(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s:\n" + read(err));
      }
      return new PythonResult(process.exitValue(), read(out), read(err));
    } catch (InterruptedException e) {
      stop(process);
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Runs {@code interop_app.py command args...}, fails on a non-zero exit, returns its JSON lines. */
  static List<Map<String, Object>> interopCommand(String command, String... args) {
    List<String> all = new ArrayList<>();
    all.add("interop_app.py");
    all.add(command);
    all.addAll(List.of(args));
    PythonResult result = python(Duration.ofSeconds(30), all.toArray(String[]::new));
    if (result.exitCode() != 0) {
      fail("interop_app.py " + command + " exited " + result.exitCode() + ":\n" + result.stderr() + result.stdout());
    }
    return result.objects();
  }

  /**
   * Starts a Celery worker of {@code interop_app} on {@code queue}, output to {@code log}. Stop it with
   * {@link #stop(Process)}.
   */
  static Process startCeleryWorker(String queue, Path log) {
    return start(List.of(PYTHON, "-m", "celery", "-A", "interop_app", "worker", "-Q", queue, "-P", "solo",
        "--without-mingle", "--without-gossip", "--without-heartbeat", "-l", "info",
        "-n", "interop-" + ProcessHandle.current().pid() + "@%h"), log, log);
  }

  private static Process start(List<String> command, Path out, Path err) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(pythonDir().toFile());
    Map<String, String> env = builder.environment();
    env.put("INTEROP_BROKER_URL", BROKER_URL);
    env.put("PYTHONPATH", pythonDir().toString());
    env.put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ in the source tree
    env.put("PYTHONUNBUFFERED", "1");
    env.remove("PYTHONHOME");
    if (out.equals(err)) {
      builder.redirectErrorStream(true);
    } else {
      builder.redirectError(err.toFile());
    }
    builder.redirectOutput(out.toFile());
    try {
      return builder.start();
    } catch (IOException e) {
      throw new AssertionError("could not start " + command + ": " + e, e);
    }
  }

  /** Ends a process this test started: SIGTERM, up to 10 s to exit, then SIGKILL. Only ever by its handle. */
  static void stop(Process process) {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits until {@code condition} holds, polling every 20 ms; fails after {@code timeout} with {@code what}
   * and the diagnostics.
   */
  static void await(String what, Duration timeout, BooleanSupplier condition, Supplier<String> diagnostics) {
    Waits.await(what, timeout, condition, diagnostics);
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
    try {
      return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new AssertionError("not a JSON object: " + json, e);
    }
  }

  static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  /** The last {@code lines} lines of a log file. */
  static String tail(Path file, int lines) {
    String text = read(file);
    String[] all = text.split("\n");
    return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(unreadable " + file + ": " + e + ")";
    }
  }
}
