package dev.celeriac.broker.redis;

import dev.celeriac.Waits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A {@code redis-server} child of this test JVM on a port of its own, without persistence: for what the shared
 * Redis must not be put through (a password, a start some time after a worker). Stopped through its own
 * process handle only.
 */
public final class PrivateRedis implements AutoCloseable {

  private final int port;
  private final Process process;

  private PrivateRedis(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  private static String readLog(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** A port nothing listens on right now. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
      return socket.getLocalPort();
    }
  }

  /**
   * Starts {@code redis-server} on {@code port} with {@code extraArgs} (such as {@code --requirepass pw}) and
   * returns once it accepts connections; its output goes to {@code dir}.
   */
  public static PrivateRedis start(Path dir, int port, String... extraArgs) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind",
        "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no"));
    command.addAll(List.of(extraArgs));
    Path log = dir.resolve("redis-" + port + ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    PrivateRedis redis = new PrivateRedis(port, process);
    try {
      Waits.await("redis-server on port " + port + " to start", Duration.ofSeconds(20), () -> {
        if (!process.isAlive()) {
          throw new AssertionError("redis-server on port " + port + " exited:\n" + Files.readString(log));
        }
        return redis.accepts();
      }, () -> "\n" + readLog(log));
    } catch (AssertionError e) {
      redis.close();
      throw e;
    }
    return redis;
  }

  public int port() {
    return port;
  }

  /** Answers at all: PONG, or a refusal such as NOAUTH. */
  private boolean accepts() {
    try (Jedis jedis = new Jedis("127.0.0.1", port, 500)) {
      jedis.ping();
      return true;
    } catch (JedisDataException refused) {
      return true;
    } catch (JedisConnectionException e) {
      return false;
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
