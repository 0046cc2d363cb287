package dev.celeriac.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.celeriac.ConfigLoader;
import dev.celeriac.ConfigurationException;
import dev.celeriac.broker.memory.MemoryBroker;
import dev.celeriac.result.ResultBackends;
import dev.celeriac.result.ResultSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Core alone, as a service that adds no broker module sees it: memory:// only, and errors that name the module. */
class BrokerProvidersTest {

  @Test
  void coreAloneOpensMemoryOnly() {
    assertEquals(List.of(Set.of("memory")), Brokers.providers().stream().map(BrokerProvider::schemes).toList());
    assertInstanceOf(MemoryBroker.class, Brokers.open("memory://providers-test", Clock.systemUTC(),
        BrokerSettingsSet.EMPTY));
  }

  @Test
  void aBrokerWithoutItsModuleNamesTheArtifactToAdd() {
    ConfigurationException redis = assertThrows(ConfigurationException.class,
        () -> Brokers.open("redis://:hunter2@cache:6379/0", Clock.systemUTC(), BrokerSettingsSet.EMPTY));
    assertEquals("redis:// needs dev.celeriac:celeriac-redis on the class path (the broker redis://:***@cache:6379/0);"
        + " celeriac-runtime brings every broker", redis.getMessage());

    ConfigurationException sentinel = assertThrows(ConfigurationException.class,
        () -> Brokers.open("sentinel://s1:26379;sentinel://s2:26379", Clock.systemUTC(), BrokerSettingsSet.EMPTY));
    assertEquals(true, sentinel.getMessage().startsWith("sentinel:// needs dev.celeriac:celeriac-redis"),
        sentinel.getMessage());

    ConfigurationException amqp = assertThrows(ConfigurationException.class,
        () -> Brokers.open("amqps://guest:hunter2@rabbit//", Clock.systemUTC(), BrokerSettingsSet.EMPTY));
    assertEquals(true, amqp.getMessage().startsWith("amqps:// needs dev.celeriac:celeriac-amqp on the class path"),
        amqp.getMessage());
    assertFalse(amqp.getMessage().contains("hunter2"), amqp.getMessage());

    ConfigurationException kafka = assertThrows(ConfigurationException.class,
        () -> Brokers.open("kafka://host", Clock.systemUTC(), BrokerSettingsSet.EMPTY));
    assertEquals("unsupported broker scheme 'kafka' in kafka://host; this build supports memory://",
        kafka.getMessage());
  }

  @Test
  void aResultBackendWithoutItsModuleNamesTheArtifactToAdd() {
    ResultSettings settings = new ResultSettings(Duration.ofDays(1), Clock.systemUTC(), BrokerSettingsSet.EMPTY,
        null, "memory://");
    ConfigurationException rpc = assertThrows(ConfigurationException.class,
        () -> ResultBackends.open("rpc://", settings));
    assertEquals("the result backend rpc:// needs dev.celeriac:celeriac-amqp on the class path;"
        + " celeriac-runtime brings every backend", rpc.getMessage());
    ConfigurationException redis = assertThrows(ConfigurationException.class,
        () -> ResultBackends.open("redis://cache/1", settings));
    assertEquals(true, redis.getMessage().contains("needs dev.celeriac:celeriac-redis"), redis.getMessage());
  }

  @Test
  void aBrokerKeyWithoutItsModuleNamesTheArtifactToAdd(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("celeriac.properties"), "redis.visibility-timeout-seconds=600\n");
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> ConfigLoader.load(Map.of(ConfigLoader.CONF_ENV, file.toString()), "memory://"));
    assertEquals("redis.visibility-timeout-seconds in " + file + " is read by dev.celeriac:celeriac-redis, which is"
        + " not on the class path; add it (celeriac-runtime brings every broker) or remove the key", e.getMessage());
  }
}
