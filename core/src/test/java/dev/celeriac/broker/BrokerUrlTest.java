package dev.celeriac.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.celeriac.ConfigurationException;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class BrokerUrlTest {

  @Test
  void readsCeleryStyleUrlsAndMasksThePassword() {
    BrokerUrl redis = BrokerUrl.parse("redis://:s3cret@cache.internal:6380/2");
    assertNull(redis.user());
    assertEquals("s3cret", redis.password());
    assertEquals("cache.internal", redis.host());
    assertEquals(6380, redis.port(6379));
    assertEquals("2", redis.path());
    assertEquals("redis://:***@cache.internal:6380/2", redis.toString());

    BrokerUrl amqp = BrokerUrl.parse("amqp://guest:gu%40st@127.0.0.1:5672//");
    assertEquals("guest", amqp.user());
    assertEquals("gu@st", amqp.password());
    assertEquals("/", amqp.path());
    assertEquals("amqp://guest:***@127.0.0.1:5672//", amqp.toString());

    assertEquals(5672, BrokerUrl.parse("amqp://h").port(5672));
  }

  @Test
  void errorsNeverShowThePassword() {
    ConfigurationException badPort = assertThrows(ConfigurationException.class,
        () -> BrokerUrl.parse("redis://:hunter2@host:port/0"));
    assertFalse(badPort.getMessage().contains("hunter2"), badPort.getMessage());

    ConfigurationException noScheme = assertThrows(ConfigurationException.class,
        () -> BrokerUrl.parse("user:hunter2@host"));
    assertFalse(noScheme.getMessage().contains("hunter2"), noScheme.getMessage());

    BrokerUrl slashInPassword = BrokerUrl.parse("redis://:sec/ret@host:6379/0");
    assertEquals("sec/ret", slashInPassword.password());
    assertEquals("host", slashInPassword.host());
    assertEquals("0", slashInPassword.path());

    ConfigurationException badEscape = assertThrows(ConfigurationException.class,
        () -> BrokerUrl.parse("redis://:s3cr%zzet@host"));
    assertFalse(badEscape.getMessage().contains("s3cr"), badEscape.getMessage());

    ConfigurationException unsupported = assertThrows(ConfigurationException.class,
        () -> Brokers.open("kafka://u:hunter2@host", Clock.systemUTC(), BrokerSettingsSet.EMPTY));
    assertFalse(unsupported.getMessage().contains("hunter2"), unsupported.getMessage());
  }
}
