package dev.celeriac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.broker.amqp.AmqpSettings;
import dev.celeriac.broker.redis.RedisSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir
  Path dir;

  @Test
  void defaultsToMemoryAndSaysItFellBack() {
    assertEquals("memory://", ConfigLoader.load(Map.of(), null).brokerUrl());
    assertTrue(ConfigLoader.load(Map.of(), null).brokerUrlFallback());
    assertFalse(ConfigLoader.load(Map.of("BROKER_URL", "memory://"), null).brokerUrlFallback());
    assertFalse(ConfigLoader.load(Map.of(), "memory://").brokerUrlFallback());
    assertFalse(CeleriacConfig.builder().build().brokerUrlFallback(), "a builder's memory:// is the caller's choice");
  }

  @Test
  void aFileNamingMemoryIsNoFallback() throws IOException {
    Path file = write("broker.url=memory://\n");
    assertFalse(ConfigLoader.load(Map.of("CELERIAC_CONF", file.toString()), null).brokerUrlFallback());
    Path none = write("worker.concurrency=2\n");
    assertTrue(ConfigLoader.load(Map.of("CELERIAC_CONF", none.toString()), null).brokerUrlFallback());
  }

  @Test
  void flagBeatsEnvironmentBeatsFile() throws IOException {
    Path file = write("broker.url=memory://from-file\n");

    assertEquals("memory://from-file", ConfigLoader.load(Map.of("CELERIAC_CONF", file.toString()), null).brokerUrl());
    assertEquals("memory://from-env", ConfigLoader.load(
        Map.of("CELERIAC_CONF", file.toString(), "BROKER_URL", "memory://from-env"), null).brokerUrl());
    assertEquals("memory://from-flag", ConfigLoader.load(
        Map.of("CELERIAC_CONF", file.toString(), "BROKER_URL", "memory://from-env"), "memory://from-flag").brokerUrl());
  }

  @Test
  void readsFleetSettings() throws IOException {
    Path file = write("worker.hostname=w1@%h\nworker.task-events=true\nworker.remote-control=false\n"
        + "worker.revoke-expires-seconds=60\nevents.task-sent=true\n");

    CeleriacConfig config = ConfigLoader.load(Map.of("CELERIAC_CONF", file.toString()), null);

    assertEquals("w1@" + dev.celeriac.worker.NodeNames.hostName(), config.worker().hostname());
    assertTrue(config.worker().taskEvents());
    assertEquals(false, config.worker().remoteControl());
    assertEquals(Duration.ofSeconds(60), config.worker().revokeExpires());
    assertTrue(config.taskSentEvents());
    ConfigurationException bad = assertThrows(ConfigurationException.class, () -> ConfigLoader.load(
        Map.of("CELERIAC_CONF", write("worker.task-events=yes\n").toString()), null));
    assertTrue(bad.getMessage().contains("worker.task-events must be true or false"), bad.getMessage());
  }

  @Test
  void readsWorkerAndMessageSettings() throws IOException {
    Path file = write("worker.queues=events, digests\nworker.concurrency=3\nworker.prefetch=7\n"
        + "worker.shutdown-timeout-seconds=9\nmessage.max-bytes=1000\nworker.heartbeat-timeout-seconds=12\n"
        + "redis.visibility-timeout-seconds=600\nmetrics.port=9464\namqp.management-port=15673\n");

    CeleriacConfig config = ConfigLoader.load(Map.of("CELERIAC_CONF", file.toString()), null);

    assertEquals(List.of("events", "digests"), config.worker().queues());
    assertEquals(3, config.worker().concurrency());
    assertEquals(7, config.worker().prefetch());
    assertEquals(Duration.ofSeconds(9), config.worker().shutdownTimeout());
    assertEquals(1000, config.maxMessageBytes());
    assertEquals(Duration.ofSeconds(12), RedisSettings.of(config).heartbeatTimeout());
    assertEquals(Duration.ofMinutes(10), RedisSettings.of(config).visibilityTimeout());
    assertEquals(9464, config.metricsPort());
    assertEquals(15673, AmqpSettings.of(config).managementPort());
    assertEquals(0, ConfigLoader.load(Map.of(), null).metricsPort());
  }

  @Test
  void theConnectTimeoutIsBothBrokers() throws IOException {
    CeleriacConfig defaults = ConfigLoader.load(Map.of(), null);
    assertEquals(Duration.ofSeconds(30), RedisSettings.of(defaults).connectTimeout());
    assertEquals(Duration.ofSeconds(30), AmqpSettings.of(defaults).connectTimeout());

    Path file = write("broker.connect-timeout-seconds=5\namqp.management-port=0\n");
    CeleriacConfig config = ConfigLoader.load(Map.of("CELERIAC_CONF", file.toString()), null);
    assertEquals(Duration.ofSeconds(5), RedisSettings.of(config).connectTimeout());
    assertEquals(Duration.ofSeconds(5), AmqpSettings.of(config).connectTimeout());
    assertEquals(0, AmqpSettings.of(config).managementPort());

    Path negative = write("broker.connect-timeout-seconds=-1\n");
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> ConfigLoader.load(Map.of("CELERIAC_CONF", negative.toString()), null));
    assertEquals("broker.connect-timeout-seconds must be 0 or more, was -1", e.getMessage());
  }

  @Test
  void readsSentinelAndReplicaSettings() throws IOException {
    CeleriacConfig defaults = ConfigLoader.load(Map.of(), null);
    assertEquals(null, RedisSettings.of(defaults).sentinelMasterName());
    assertEquals(0, RedisSettings.of(defaults).minReplicaAcks());

    Path file = write("redis.sentinel.master-name= mymaster \nredis.min-replica-acks=2\n");
    CeleriacConfig config = ConfigLoader.load(Map.of("CELERIAC_CONF", file.toString()), null);
    assertEquals("mymaster", RedisSettings.of(config).sentinelMasterName());
    assertEquals(2, RedisSettings.of(config).minReplicaAcks());

    Path negative = write("redis.min-replica-acks=-1\n");
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> ConfigLoader.load(Map.of("CELERIAC_CONF", negative.toString()), null));
    assertEquals("redis.min-replica-acks must be 0 or more, was -1", e.getMessage());
  }

  @Test
  void readsTheQueueTypeOfRabbitMqAndRefusesADeliveryLimitWithoutQuorum() throws IOException {
    CeleriacConfig defaults = ConfigLoader.load(Map.of(), null);
    assertEquals(AmqpSettings.QueueType.CLASSIC, AmqpSettings.of(defaults).queueType());
    assertEquals(0, AmqpSettings.of(defaults).deliveryLimit());

    Path quorum = write("amqp.queue-type=Quorum\namqp.delivery-limit=5\n");
    CeleriacConfig config = ConfigLoader.load(Map.of("CELERIAC_CONF", quorum.toString()), null);
    assertEquals(AmqpSettings.QueueType.QUORUM, AmqpSettings.of(config).queueType());
    assertEquals(5, AmqpSettings.of(config).deliveryLimit());

    Path classicWithLimit = write("amqp.delivery-limit=5\n");
    ConfigurationException limit = assertThrows(ConfigurationException.class,
        () -> ConfigLoader.load(Map.of("CELERIAC_CONF", classicWithLimit.toString()), null));
    assertEquals("amqp.delivery-limit is for quorum queues; set amqp.queue-type=quorum, or leave it out",
        limit.getMessage());
    Path stream = write("amqp.queue-type=stream\n");
    ConfigurationException type = assertThrows(ConfigurationException.class,
        () -> ConfigLoader.load(Map.of("CELERIAC_CONF", stream.toString()), null));
    assertEquals("amqp.queue-type: a queue type is classic or quorum, not 'stream'", type.getMessage());
  }

  @Test
  void unknownKeyIsAnErrorNamingIt() throws IOException {
    Path file = write("broker.url=memory://\nworker.concurency=3\n");

    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> ConfigLoader.load(Map.of("CELERIAC_CONF", file.toString()), null));
    assertTrue(e.getMessage().startsWith("unknown configuration key [worker.concurency]"), e.getMessage());
  }

  @Test
  void badValuesAndMissingFilesAreErrors() throws IOException {
    Path file = write("worker.concurrency=many\n");
    assertThrows(ConfigurationException.class, () -> ConfigLoader.load(Map.of("CELERIAC_CONF", file.toString()), null));
    Path port = write("metrics.port=70000\n");
    assertThrows(ConfigurationException.class, () -> ConfigLoader.load(Map.of("CELERIAC_CONF", port.toString()), null));
    Path zero = write("worker.concurrency=0\n");
    assertThrows(ConfigurationException.class, () -> ConfigLoader.load(Map.of("CELERIAC_CONF", zero.toString()), null));
    ConfigurationException missing = assertThrows(ConfigurationException.class,
        () -> ConfigLoader.load(Map.of("CELERIAC_CONF", dir.resolve("nope.properties").toString()), null));
    assertTrue(missing.getMessage().contains("does not exist"));
  }

  private Path write(String content) throws IOException {
    Path file = Files.createTempFile(dir, "celeriac", ".properties");
    Files.writeString(file, content);
    return file;
  }
}
