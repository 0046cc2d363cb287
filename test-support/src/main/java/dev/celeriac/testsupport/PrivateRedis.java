package dev.celeriac.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@code redis-server} child of this test JVM, on a port of its own, for what the shared Redis must never be put
 * through: a password, a replica, a stop, a kill, a restart, a slow load. Without persistence unless the arguments
 * ask for it ({@code "--appendonly", "yes"}: later arguments win). Its output goes to {@link #log()}. Stopped through
 * its own process handle only, never by name or port.
 *
 * <p>It is probed with a bare {@code PING} over a socket, so this fixture needs no Redis client.
 */
public final class PrivateRedis implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final int port;
  private final Path dir;
  private final List<String> args;
  private Process process;
  private int starts;

  private PrivateRedis(int port, Path dir, List<String> args) {
    this.port = port;
    this.dir = dir;
    this.args = args;
  }

  /** On a free port, in {@code target/private-redis} of the module under test. */
  public static PrivateRedis start() throws IOException {
    return start(Path.of("target", "private-redis").toAbsolutePath());
  }

  /** On a free port, with its files and log in {@code dir}, and {@code extraArgs} such as {@code --requirepass pw}. */
  public static PrivateRedis start(Path dir, String... extraArgs) throws IOException {
    return start(dir, Ports.free(), extraArgs);
  }

  /**
   * On {@code port}, with its files and log in {@code dir}, and {@code extraArgs}; returns once it answers a
   * {@code PING} at all: PONG, or a refusal such as NOAUTH or LOADING.
   */
  public static PrivateRedis start(Path dir, int port, String... extraArgs) throws IOException {
    Files.createDirectories(dir);
    PrivateRedis redis = new PrivateRedis(port, dir, List.of(extraArgs));
    redis.launch(List.of(), "answer", reply -> true);
    return redis;
  }

  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:<port>/0}. */
  public String url() {
    return "redis://127.0.0.1:" + port + "/0";
  }

  public Path log() {
    return dir.resolve("redis-" + port + ".log");
  }

  public long pid() {
    return process.pid();
  }

  /** SIGTERM, then waits for the exit: Redis fsyncs its append-only file, if it keeps one, and quits. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("redis-server pid " + pid() + " did not exit within 30 s of SIGTERM");
    }
  }

  /** SIGKILL, as a crash or a lost host would, and waits for the exit. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      throw new AssertionError("redis-server pid " + pid() + " did not exit within 20 s of SIGKILL");
    }
  }

  /** Starts it again on the same port and directory, and returns once it answers PONG: its data is loaded. */
  public void restart() throws IOException {
    launch(List.of(), "answer PONG", "+PONG"::equals);
  }

  /**
   * Starts it again with every key of its append-only file {@code microsPerKey} slower to load (Redis' hidden
   * {@code key-load-delay}), and returns once it answers LOADING; fails if it answers PONG first.
   */
  public void restartLoadingSlowly(int microsPerKey) throws IOException {
    launch(List.of("--key-load-delay", Integer.toString(microsPerKey)), "answer LOADING", reply -> {
      if ("+PONG".equals(reply)) {
        throw new AssertionError("redis-server on port " + port + " loaded its data before it was seen loading");
      }
      return reply.startsWith("-LOADING");
    });
  }

  /** Waits until it has loaded its data: it answers PONG. */
  public void awaitLoaded() {
    Waits.await("private redis-server on port " + port + " to load its data", Duration.ofSeconds(60),
        () -> "+PONG".equals(ping()), this::logTail);
  }

  /** SIGTERM, then SIGKILL after 10 s, if still alive (for finally blocks and try-with-resources). */
  @Override
  public void close() {
    Processes.stop(process);
  }

  private void launch(List<String> moreArgs, String what, Predicate<String> started) throws IOException {
    starts++;
    List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind",
        "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no",
        "--logfile", ""));
    command.addAll(args);
    command.addAll(moreArgs);
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
    } catch (IOException e) {
      throw new AssertionError("cannot start redis-server (is it installed?): " + e, e);
    }
    try {
      Waits.await("private redis-server on port " + port + " (start " + starts + ") to " + what, START_TIMEOUT,
          () -> {
            if (!process.isAlive()) {
              throw new AssertionError("redis-server on port " + port + " exited with " + process.exitValue()
                  + ":\n" + logTail());
            }
            String reply = ping();
            return reply != null && started.test(reply);
          }, this::logTail);
    } catch (AssertionError e) {
      close();
      throw e;
    }
  }

  /** The first line of its reply to a bare PING ({@code +PONG}, {@code -NOAUTH ...}), or null if it is not up. */
  private String ping() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      return reply;
    } catch (IOException notUp) {
      return null;
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log());
      return "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
