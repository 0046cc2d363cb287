package dev.celeriac.spring.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * A {@code redis-server} child of this test JVM on a free port, without persistence: a Redis the test may stop,
 * which the shared one never is. Stopped through its own process handle only.
 */
final class PrivateRedis implements AutoCloseable {

  private final int port;
  private final Process process;

  private PrivateRedis(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  static PrivateRedis start() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
      port = socket.getLocalPort();
    }
    Path dir = Files.createDirectories(Path.of("target", "private-redis"));
    Process process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind",
        "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toAbsolutePath().toString()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis-" + port + ".log").toFile()))
        .start();
    PrivateRedis redis = new PrivateRedis(port, process);
    await("redis-server on port " + port).atMost(Duration.ofSeconds(20)).until(redis::answers);
    return redis;
  }

  String url() {
    return "redis://127.0.0.1:" + port + "/0";
  }

  private boolean answers() {
    if (!process.isAlive()) {
      throw new AssertionError("redis-server on port " + port + " exited with " + process.exitValue());
    }
    try (Jedis jedis = new Jedis("127.0.0.1", port, 500)) {
      return "PONG".equals(jedis.ping());
    } catch (JedisConnectionException e) {
      return false;
    }
  }

  /** Kills it, as a crash or a lost host would. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      throw new AssertionError("redis-server on port " + port + " did not exit");
    }
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
