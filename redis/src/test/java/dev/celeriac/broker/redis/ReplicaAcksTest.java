package dev.celeriac.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.broker.Broker;
import dev.celeriac.broker.BrokerUrl;
import dev.celeriac.broker.Delivery;
import dev.celeriac.broker.MessagePublisher;
import dev.celeriac.protocol.MessageCodec;
import dev.celeriac.protocol.TaskMessage;
import dev.celeriac.testsupport.Ports;
import dev.celeriac.testsupport.PrivateRedis;
import dev.celeriac.testsupport.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * {@code redis.min-replica-acks} against a private master with one replica: a write the broker reports done is
 * already on the replica when the call returns, and a write that fewer replicas acknowledged throws, naming how
 * many did, while the master keeps it.
 */
@Tag("redis")
class ReplicaAcksTest {

  private static PrivateRedis master;
  private static PrivateRedis replica;

  private final String queue = "acks-" + UUID.randomUUID();

  @BeforeAll
  static void startMasterAndReplica() throws Exception {
    Path dir = Path.of("target", "private-redis", "replica-acks");
    master = PrivateRedis.start(dir, Ports.free());
    replica = PrivateRedis.start(dir, Ports.free(), "--replicaof", "127.0.0.1",
        Integer.toString(master.port()));
    Waits.await("the replica to sync with the master", Duration.ofSeconds(20), () -> replicaInSync());
  }

  @AfterAll
  static void stop() {
    if (replica != null) {
      replica.close();
    }
    if (master != null) {
      master.close();
    }
  }

  @BeforeEach
  void flush() {
    try (Jedis jedis = new Jedis("127.0.0.1", master.port())) {
      jedis.flushAll();
    }
  }

  @Test
  void everyWriteAProducerOrWorkerReliesOnIsOnTheReplicaWhenItReturns() throws Exception {
    RedisBroker broker = connect(1);
    try (Jedis onReplica = new Jedis("127.0.0.1", replica.port())) {
      broker.publishAll(List.of(new MessagePublisher.Outgoing(queue, message()),
          new MessagePublisher.Outgoing(queue, message()), new MessagePublisher.Outgoing(queue, message())));
      assertEquals(3, onReplica.llen(queue), "the enqueue returned: the replica holds the messages");

      assertEquals(Broker.SlotOutcome.FIRED, broker.publishSlot("every-minute", Instant.ofEpochSecond(60),
          Instant.EPOCH, queue, message()));
      assertEquals(4, onReplica.llen(queue), "the cron slot's message");
      assertTrue(onReplica.exists("celeriac:cron:every-minute"), "the cron slot's record");

      List<Delivery> fetched = broker.fetch(List.of(queue), 4, Duration.ofSeconds(1));
      assertEquals(4, fetched.size());
      fetched.get(0).defer(Instant.now().plusSeconds(3600));
      assertEquals(1, onReplica.zcard("celeriac:delayed:" + queue), "the park of an early message");
      fetched.get(1).deadLetter("a test reason");
      assertEquals(1, onReplica.llen("celeriac:dead:" + queue), "the dead letter");
      fetched.get(2).ack();
      fetched.get(3).ack();
      broker.close();
      assertEquals(0, onReplica.hlen("unacked"), "the acks, flushed by close()");
    } finally {
      broker.close();
    }
  }

  @Test
  void anEnqueueFewerReplicasAcknowledgedThrowsAndSaysTheMasterHoldsIt() {
    RedisBroker broker = connect(2);
    try (Jedis onMaster = new Jedis("127.0.0.1", master.port())) {
      NotReplicatedException enqueue = assertThrows(NotReplicatedException.class,
          () -> broker.publish(queue, message()));
      assertTrue(enqueue.getMessage().startsWith("the enqueue on redis://127.0.0.1:" + master.port()
          + "/0 reached only 1 of the 2 replicas that redis.min-replica-acks asks for within 300 ms; the master"
          + " holds it, but it would be lost with the master"), enqueue.getMessage());
      assertEquals(1, onMaster.llen(queue));

      NotReplicatedException slot = assertThrows(NotReplicatedException.class, () -> broker.publishSlot("hourly",
          Instant.ofEpochSecond(3600), Instant.EPOCH, queue, message()));
      assertTrue(slot.getMessage().startsWith("the cron slot hourly on "), slot.getMessage());
      assertEquals(2, onMaster.llen(queue));
    } finally {
      broker.close();
    }
  }

  private static RedisBroker connect(int replicas) {
    return RedisBroker.connect(BrokerUrl.parse("redis://127.0.0.1:" + master.port() + "/0"),
        RedisSettings.defaults().withMinReplicaAcks(replicas).withUnreachableTimeout(Duration.ofMillis(300)));
  }

  /**
   * Whether the replica acknowledges writes. "state=online" is not enough: after a diskless sync the master streams
   * to the replica, and counts it in WAIT, only from the replica's first REPLCONF ACK, up to a second later.
   */
  private static boolean replicaInSync() {
    try (Jedis jedis = new Jedis("127.0.0.1", master.port())) {
      String info = jedis.info("replication");
      if (!info.contains("connected_slaves:1") || !info.contains("state=online")) {
        return false;
      }
      jedis.set("celeriac-test:sync-probe", "1");
      return jedis.waitReplicas(1, 500) == 1;
    }
  }

  private static TaskMessage message() {
    return MessageCodec.newMessage(new MessageCodec.NewMessage("tasks.add", UUID.randomUUID().toString(), List.of(),
        Map.of("k", 1), null, null, null, null, null, 0, Duration.ZERO));
  }
}
