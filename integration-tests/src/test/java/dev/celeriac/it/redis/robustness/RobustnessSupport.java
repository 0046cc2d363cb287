package dev.celeriac.it.redis.robustness;

import dev.celeriac.it.Waits;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
 * What the robustness tests share: the shared Redis (database 11 only), private {@code redis-server}
 * children, {@code run worker} child JVMs, and waiting. Every child process is started here and ended by
 * its own handle, never by name.
 */
final class RobustnessSupport {

  static final String SHARED_HOST = "127.0.0.1";
  static final int SHARED_PORT = 6379;
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
    Waits.await(what, timeout, condition, state);
  }

  static void sleep(Duration duration) {
    Waits.sleep(duration);
  }

  /** A TCP port nothing listens on right now. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  /**
   * A fresh directory under {@code target/robustness/} for one test's logs, config and Redis files; kept
   * after the run so that a failure can be read from the worker and Redis logs.
   */
  static Path runDir(String test) throws IOException {
    Path dir = Path.of("target", "robustness", test + "-" + System.currentTimeMillis()).toAbsolutePath();
    return Files.createDirectories(dir);
  }

  /** Writes a Celeriac properties file for {@code CELERIAC_CONF}. */
  static Path writeConf(Path dir, String name, Map<String, String> settings) throws IOException {
    Properties properties = new Properties();
    properties.putAll(settings);
    Path file = dir.resolve(name);
    try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      properties.store(out, "robustness test");
    }
    return file;
  }

  static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log " + log + ": " + e + ")";
    }
  }

  /**
   * A copy of this JVM's class path under {@code dir}, for worker JVMs started during the test: they all
   * run the very classes this test JVM runs, even if a concurrent build rewrites {@code target/} or the
   * local repository while the test is running (a worker started later would otherwise load a half-written
   * jar or a different build).
   */
  static String snapshotClassPath(Path dir) throws IOException {
    Path root = Files.createDirectories(dir.resolve("classpath"));
    List<String> copies = new ArrayList<>();
    int n = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path source = Path.of(entry);
      if (!Files.exists(source)) {
        continue;
      }
      Path target = root.resolve((n++) + "-" + source.getFileName());
      if (Files.isDirectory(source)) {
        try (var files = Files.walk(source)) {
          for (Path file : (Iterable<Path>) files::iterator) {
            Path copy = target.resolve(source.relativize(file).toString());
            if (Files.isDirectory(file)) {
              Files.createDirectories(copy);
            } else {
              Files.copy(file, copy);
            }
          }
        }
      } else {
        Files.copy(source, target);
      }
      copies.add(target.toString());
    }
    return String.join(File.pathSeparator, copies);
  }

  private static String javaBinary() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }

  /**
   * {@code dev.celeriac.cli.Main run worker} in its own JVM on this test's class path, so it runs the
   * tasks of this package through their generated index. Output (both streams) goes to a log file.
   */
  static final class WorkerProcess implements AutoCloseable {
    final String name;
    final Process process;
    final Path log;

    private WorkerProcess(String name, Process process, Path log) {
      this.name = name;
      this.process = process;
      this.log = log;
    }

    /** Starts a worker on {@code classPath} (see {@link #snapshotClassPath}) with {@code CELERIAC_CONF=conf}. */
    static WorkerProcess start(Path dir, String name, String classPath, Path conf, String... workerArgs)
        throws IOException {
      List<String> command = new ArrayList<>(List.of(javaBinary(), "-XX:+UseSerialGC",
          "-cp", classPath,
          "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
          "-Dorg.slf4j.simpleLogger.showDateTime=true",
          "dev.celeriac.cli.Main", "run", "worker"));
      command.addAll(List.of(workerArgs));
      Path log = dir.resolve(name + ".log");
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile());
      builder.environment().remove("BROKER_URL");
      builder.environment().put("CELERIAC_CONF", conf.toString());
      return new WorkerProcess(name, builder.start(), log);
    }

    long pid() {
      return process.pid();
    }

    /** Waits until the worker logged that it consumes, failing with its log if it died first. */
    WorkerProcess awaitConsuming(Duration timeout) {
      await(name + " to start consuming", timeout, () -> {
        if (!process.isAlive()) {
          throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + tail(log, 40));
        }
        return logText().contains("Worker consuming");
      }, () -> tail(log, 20));
      return this;
    }

    String logText() {
      try {
        return Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    }

    /**
     * SIGKILL: {@link Process#destroyForcibly()} on a process started by {@link ProcessBuilder} is
     * {@code kill(pid, SIGKILL)} on Linux (ProcessHandleImpl.destroy0 with force = true), which Java reports
     * as exit value 128 + 9 = 137; the caller asserts that value as the evidence. Returns the exit value.
     */
    int killHard() throws InterruptedException {
      process.destroyForcibly();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError(name + " (pid " + pid() + ") survived SIGKILL for 30 s");
      }
      return process.exitValue();
    }

    /** SIGTERM (a graceful {@code run worker} stop); returns the exit value. */
    int stopGracefully(Duration timeout) throws InterruptedException {
      process.destroy();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " did not stop within " + timeout.toSeconds() + " s of SIGTERM:\n"
            + tail(log, 40));
      }
      return process.exitValue();
    }

    /** SIGKILL if still alive (for finally blocks). */
    @Override
    public void close() {
      if (process.isAlive()) {
        process.destroyForcibly();
        try {
          process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
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
      PrivateRedis redis = new PrivateRedis(freePort(), dir);
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
              throw new AssertionError("redis-server exited with " + process.exitValue() + ":\n" + tail(log(), 30));
            }
            return started.getAsBoolean();
          }, () -> tail(log(), 10));
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
          () -> tail(log(), 10));
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
