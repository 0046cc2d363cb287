package dev.celeriac.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.ConfigurationException;
import dev.celeriac.broker.BrokerUrl;
import dev.celeriac.broker.Delivery;
import dev.celeriac.protocol.MessageCodec;
import dev.celeriac.testsupport.Waits;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rediss://} against a private TLS Redis with a self-signed certificate, as kombu's URL options say. */
@Tag("redis")
class RedisTlsTest {

  @TempDir
  static Path dir;

  private static Process redis;
  private static int port;

  @BeforeAll
  static void startTlsRedis() throws Exception {
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.resolve("key.pem").toString(),
        "-out", dir.resolve("cert.pem").toString(), "-days", "2", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    redis = new ProcessBuilder("redis-server", "--port", "0", "--tls-port", Integer.toString(port),
        "--bind", "127.0.0.1", "--tls-cert-file", dir.resolve("cert.pem").toString(),
        "--tls-key-file", dir.resolve("key.pem").toString(), "--tls-auth-clients", "no", "--save", "",
        "--appendonly", "no", "--dir", dir.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    Waits.await("the TLS redis-server to start", Duration.ofSeconds(10), () -> {
      try {
        new Socket(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port).close(); // connected: it is up
        return true;
      } catch (IOException notYet) {
        return false;
      }
    }, () -> "see " + dir.resolve("redis.log"));
  }

  @AfterAll
  static void stopTlsRedis() throws InterruptedException {
    if (redis != null) {
      redis.destroy();
      if (!redis.waitFor(10, TimeUnit.SECONDS)) {
        redis.destroyForcibly();
      }
    }
  }

  @Test
  void trustsTheCaNamedByTheUrl() throws Exception {
    roundTrip("rediss://127.0.0.1:" + port + "/0?ssl_ca_certs=" + dir.resolve("cert.pem"));
  }

  @Test
  void certReqsNoneEncryptsWithoutVerifying() throws Exception {
    roundTrip("rediss://127.0.0.1:" + port + "/0?ssl_cert_reqs=none");
  }

  @Test
  void anUntrustedCertificateIsAConfigurationErrorAtOnce() {
    // No retry mends it: it fails at once, not after the connect timeout.
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> RedisBroker.connect(
        BrokerUrl.parse("rediss://:pw@127.0.0.1:" + port + "/0"),
        RedisSettings.defaults().withConnectTimeout(Duration.ofHours(1))));
    assertTrue(e.getMessage().startsWith("Redis at rediss://:***@127.0.0.1:" + port + "/0 presented a TLS certificate"
        + " this JVM does not trust ("), e.getMessage());
    assertFalse(e.getMessage().contains(":pw@"));
  }

  private static void roundTrip(String url) throws InterruptedException {
    RedisBroker broker = RedisBroker.connect(BrokerUrl.parse(url), RedisSettings.defaults());
    try {
      broker.publish("tls", message());
      List<Delivery> fetched = broker.fetch(List.of("tls"), 1, Duration.ofSeconds(2));
      assertEquals(1, fetched.size());
      assertEquals("tls.task", fetched.get(0).message().task());
      fetched.get(0).ack();
    } finally {
      broker.close();
    }
  }

  private static dev.celeriac.protocol.TaskMessage message() {
    return MessageCodec.newMessage(new MessageCodec.NewMessage("tls.task", "id-1", List.of(), Map.of(), null, null,
        null, null, null, null, Duration.ZERO));
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("openssl.log").toFile()).start();
    assertEquals(0, process.waitFor(), String.join(" ", command));
  }
}
