package dev.celeriac.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.ConfigurationException;
import dev.celeriac.EnqueueOptions;
import dev.celeriac.broker.amqp.AmqpSettings;
import dev.celeriac.broker.amqp.TestRabbit;
import dev.celeriac.broker.redis.RedisSettings;
import dev.celeriac.broker.redis.TestRedis;
import dev.celeriac.testsupport.Ports;
import dev.celeriac.testsupport.PrivateRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a producer gets from {@link Celeriac#connect} and {@link Celeriac#create} for a broker it cannot use, the
 * same on both brokers: a refusal no retry mends is a {@link ConfigurationException} at once; a broker that does
 * not answer is waited for up to the connect timeout, then a {@link BrokerUnreachableException}; one that comes up
 * within it is used. An enqueue after the broker went away throws {@link BrokerUnreachableException}.
 */
@Tag("redis")
@Tag("rabbitmq")
class FirstConnectionTest {

  private static final String PASSWORD = "s3cret-pw";

  @ParameterizedTest
  @ValueSource(strings = {"redis", "amqp"})
  void refusedCredentialsAreAConfigurationErrorAtOnce(String kind) throws Exception {
    if (kind.equals("redis")) {
      try (PrivateRedis redis = PrivateRedis.start(Path.of("target", "private-redis"), Ports.free(),
          "--requirepass", "the-right-one")) {
        String url = "redis://:" + PASSWORD + "@127.0.0.1:" + redis.port() + "/0";
        assertRefused(url, "Redis at redis://:***@127.0.0.1:" + redis.port() + "/0 refused the credentials of the"
            + " broker URL (WRONGPASS invalid username-password pair or user is disabled.); check its user and password");
      }
    } else {
      assertRefused("amqp://guest:" + PASSWORD + "@127.0.0.1:5672/" + TestRabbit.VHOST,
          "RabbitMQ at amqp://guest:***@127.0.0.1:5672/" + TestRabbit.VHOST + " refused the credentials of the broker"
              + " URL (ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the"
              + " broker logfile.); check its user and password");
    }
  }

  @Test
  void aRedisDatabaseOutOfRangeIsAConfigurationError() {
    assertRefused(TestRedis.URL.replaceFirst("/\\d+$", "/99"), "Redis at " + TestRedis.URL.replaceFirst("/\\d+$", "/99")
        + " refused the connection: ERR DB index is out of range");
  }

  @Test
  void aVhostRabbitMqDoesNotHaveIsAConfigurationError() {
    String url = "amqp://guest:guest@127.0.0.1:5672/celeriac-no-such-vhost";
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> connect(url, Duration.ofHours(1)));
    assertTrue(e.getMessage().startsWith("RabbitMQ at amqp://guest:***@127.0.0.1:5672/celeriac-no-such-vhost refused"
        + " the vhost 'celeriac-no-such-vhost' (530 NOT_ALLOWED"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis", "amqp"})
  void anUnknownHostIsAConfigurationErrorAtOnce(String kind) {
    String url = kind + "://guest:" + PASSWORD + "@nosuchhost.invalid/0";
    assertRefused(url, (kind.equals("redis") ? "Redis" : "RabbitMQ") + " at " + kind
        + "://guest:***@nosuchhost.invalid/0 can't be reached: its host name 'nosuchhost.invalid' does not resolve;"
        + " check the broker URL");
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis", "amqp"})
  void aBrokerThatDoesNotAnswerIsAwaitedForTheConnectTimeout(String kind) throws Exception {
    int closed = Ports.free();
    String url = kind + "://guest:" + PASSWORD + "@127.0.0.1:" + closed + "/0";
    long started = System.nanoTime();
    BrokerUnreachableException e = assertThrows(BrokerUnreachableException.class,
        () -> connect(url, Duration.ofSeconds(2)));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertEquals((kind.equals("redis") ? "Redis" : "RabbitMQ") + " at " + kind + "://guest:***@127.0.0.1:" + closed
        + "/0 did not answer within 2 s (Connection refused); is it running, and are the host and port right?",
        e.getMessage());
    assertTrue(took.compareTo(Duration.ofSeconds(2)) >= 0, "gave up after " + took);
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis", "amqp"})
  void aBrokerThatComesUpWithinTheConnectTimeoutIsUsed(String kind) throws Exception {
    try (TcpProxy broker = TcpProxy.start(kind.equals("redis") ? TestRedis.PORT : 5672)) {
      broker.cut();
      Thread comesUp = new Thread(() -> {
        try {
          Thread.sleep(1500); // the broker comes up late: the delay is the test
          broker.restore();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      comesUp.start();
      try (Celeriac app = connect(via(kind, broker), Duration.ofSeconds(30))) {
        assertTrue(app.send("tests.add", List.of(1, 2), Map.of(), EnqueueOptions.DEFAULTS).id() != null);
      } finally {
        comesUp.join();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis", "amqp"})
  void anEnqueueAfterTheBrokerWentAwayThrowsUnreachable(String kind) throws Exception {
    try (TcpProxy broker = TcpProxy.start(kind.equals("redis") ? TestRedis.PORT : 5672)) {
      CeleriacConfig config = CeleriacConfig.builder().brokerUrl(via(kind, broker))
          .brokerSettings(RedisSettings.defaults().withUnreachableTimeout(Duration.ofMillis(500)))
          .brokerSettings(AmqpSettings.defaults().withUnreachableTimeout(Duration.ofSeconds(1))).build();
      try (Celeriac app = Celeriac.create(config)) {
        broker.cut();
        BrokerUnreachableException e = assertThrows(BrokerUnreachableException.class,
            () -> app.send("tests.add", List.of(1, 2), Map.of(), EnqueueOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("127.0.0.1:" + broker.port()), e.getMessage());
      }
    }
  }

  private static void assertRefused(String url, String message) {
    long started = System.nanoTime();
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> connect(url, Duration.ofHours(1)));
    assertEquals(message, e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
    assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(20)) < 0,
        "no retry mends a refusal");
  }

  private static Celeriac connect(String url, Duration connectTimeout) {
    return Celeriac.create(CeleriacConfig.builder().brokerUrl(url)
        .brokerSettings(RedisSettings.defaults().withConnectTimeout(connectTimeout))
        .brokerSettings(AmqpSettings.defaults().withConnectTimeout(connectTimeout)).build());
  }

  /** The test broker of {@code kind}, emptied, through {@code proxy}. */
  private static String via(String kind, TcpProxy proxy) {
    if (kind.equals("redis")) {
      TestRedis.flush();
    } else {
      TestRabbit.reset();
    }
    return kind.equals("redis") ? "redis://127.0.0.1:" + proxy.port() + "/" + TestRedis.DATABASE
        : "amqp://guest:guest@127.0.0.1:" + proxy.port() + "/" + TestRabbit.VHOST;
  }
}
