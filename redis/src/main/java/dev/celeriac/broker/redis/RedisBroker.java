package dev.celeriac.broker.redis;

import dev.celeriac.ConfigurationException;
import dev.celeriac.broker.Broker;
import dev.celeriac.broker.BrokerUnreachableException;
import dev.celeriac.broker.BrokerUrl;
import dev.celeriac.broker.DeadLetterStore;
import dev.celeriac.broker.Delivery;
import dev.celeriac.broker.FleetSupport;
import dev.celeriac.broker.QueueStats;
import dev.celeriac.protocol.TaskMessage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import redis.clients.jedis.UnifiedJedis;

/**
 * Redis as Celery's kombu uses it, made crash-safe. Producers {@code LPUSH} the plain kombu envelope to
 * the queue's priority list. Consumers pop in batches with a Lua script that records each message in
 * flight in the same step, in kombu's {@code unacked} structures and in a per-worker hash; acks go out
 * in pipelined batches. Workers heartbeat; any live worker returns the in-flight messages of a worker
 * whose heartbeat lapsed, and restores stale entries of Python workers as kombu's visibility timeout
 * does. A message that arrives before its {@code eta} is parked in a delayed sorted set in the same
 * step as its ack, and promoted back once due by exactly one worker. Thread-safe.
 *
 * <p>This class wires the parts, one per role, over one connection pool:
 *
 * <ul>
 *   <li>publishing: {@link RedisPublisher};
 *   <li>consuming, hand-offs, settles and acks: {@link RedisConsumer};
 *   <li>heartbeat, recovery of dead workers and promotion of delayed messages: {@link RedisRecovery};
 *   <li>counts, queue names, purging: {@link RedisAdmin}, with the dead letters in {@link RedisDeadLetters};
 *   <li>the cron lock: {@link RedisCronLock};
 *   <li>events, remote control and revokes: {@link RedisEventPublisher}, {@link RedisMailbox},
 *       {@link RedisRevokeStore}.
 * </ul>
 */
public final class RedisBroker implements Broker {

  /** Values in one LPUSH of a batch; see {@link RedisPublisher#PUSH_RUN}. */
  static final int PUSH_RUN = RedisPublisher.PUSH_RUN;

  private final RedisEndpoint url;
  private final UnifiedJedis redis;
  private final RedisCalls calls;
  private final String workerId;
  private final FleetSupport fleet;
  private final RedisPublisher publisher;
  private final RedisCronLock cronLock;
  private final RedisConsumer consumer;
  private final RedisRecovery recovery;
  private final RedisAdmin admin;

  private RedisBroker(RedisEndpoint url, UnifiedJedis redis, RedisSettings settings) {
    this.fleet = new FleetSupport(new RedisEventPublisher(redis, url.database(), url),
        new RedisMailbox(redis, url.database(), url), new RedisRevokeStore(redis, url), true);
    this.url = url;
    this.redis = redis;
    this.calls = new RedisCalls(url, settings);
    ReplicaAcks replicaAcks = new ReplicaAcks(settings.minReplicaAcks(), settings.unreachableTimeout(), url);
    this.workerId = workerName();
    // Publishing, the cron lock and consuming each declare the queues they use, once per process between them.
    Set<String> declaredQueues = ConcurrentHashMap.newKeySet();
    this.publisher = new RedisPublisher(redis, calls, replicaAcks, declaredQueues);
    this.cronLock = new RedisCronLock(redis, calls, replicaAcks, declaredQueues);
    this.consumer = new RedisConsumer(redis, calls, settings, replicaAcks, workerId, declaredQueues);
    this.recovery = consumer.recovery();
    this.admin = new RedisAdmin(redis, calls);
  }

  /**
   * Connects to {@code redis://[[user]:password@]host[:port][/db]} or {@code rediss://} (TLS), and returns once
   * Redis answered, waiting up to the settings' connect timeout for one that does not answer yet.
   *
   * @throws ConfigurationException for a malformed URL, and when Redis will never accept this one: it refuses the
   *     credentials or the database, the host name does not resolve, the TLS certificate is not trusted
   * @throws BrokerUnreachableException when Redis did not answer within the connect timeout
   */
  public static RedisBroker connect(BrokerUrl url, RedisSettings settings) {
    return connect(RedisEndpoint.of(url), settings);
  }

  /**
   * Connects to a Redis server or, for a {@code sentinel://} URL, to the master its Sentinels name, which it then
   * follows through failovers; as {@link #connect(BrokerUrl, RedisSettings)} otherwise, see {@link RedisClients}.
   *
   * @throws ConfigurationException also when no Sentinel monitors the master's name
   */
  public static RedisBroker connect(RedisEndpoint endpoint, RedisSettings settings) {
    return new RedisBroker(endpoint, RedisClients.connect(endpoint, settings), settings);
  }

  @Override
  public String displayUrl() {
    return url.toString();
  }

  /** Celery's events and remote control over kombu's fanout, and revokes in {@code celeriac:revoked}. */
  @Override
  public Optional<FleetSupport> fleet() {
    return Optional.of(fleet);
  }

  /** The name this process heartbeats under, {@code host:pid:random}. */
  public String workerId() {
    return workerId;
  }

  @Override
  public void publish(String queue, TaskMessage message) {
    publisher.publish(queue, message);
  }

  @Override
  public void publishAll(List<Outgoing> messages) {
    publisher.publishAll(messages);
  }

  @Override
  public SlotOutcome publishSlot(String schedule, Instant slot, Instant firstSlotFrom, String queue,
      TaskMessage message) {
    return cronLock.publishSlot(schedule, slot, firstSlotFrom, queue, message);
  }

  @Override
  public List<Delivery> fetch(List<String> queues, int max, Duration wait) throws InterruptedException {
    return consumer.fetch(queues, max, wait);
  }

  @Override
  public List<Delivery> fetch(List<String> queues, int max, Duration wait, Consumer<Delivery> direct)
      throws InterruptedException {
    return consumer.fetch(queues, max, wait, direct);
  }

  @Override
  public void stopConsuming(List<String> queues) {
    consumer.stopConsuming(queues);
  }

  @Override
  public DeadLetterStore deadLetters() {
    return admin.deadLetters();
  }

  @Override
  public void ping() {
    calls.once("ping", redis::ping);
  }

  @Override
  public QueueStats stats(String queue) {
    return admin.stats(queue);
  }

  @Override
  public Set<String> queueNames() {
    return admin.queueNames();
  }

  @Override
  public long purge(String queue) {
    return admin.purge(queue);
  }

  /** One sweep of what every live worker does periodically; public for tests and operators. */
  public void maintain() {
    recovery.maintain();
  }

  /**
   * Stops heartbeating after flushing acks. Whatever this process still holds in flight stays recorded
   * and comes back to its queue through another worker's recovery; with nothing in flight the worker
   * entry is removed at once.
   */
  @Override
  public synchronized void close() {
    // synchronized: a second caller (a shutdown hook racing the main thread) waits until acks are flushed.
    if (calls.closed()) {
      return;
    }
    calls.close();
    Thread beat = recovery.heartbeat();
    // When the hand-back fails, the worker stays registered, so that recovery finds the lists.
    boolean handedBackAll = consumer.closeArrivals();
    RedisRecovery.stop(beat);
    consumer.closeAcks();
    if (beat != null) {
      recovery.deregister(handedBackAll);
    }
    redis.close();
  }

  @Override
  public String toString() {
    return "RedisBroker[" + url + "]";
  }

  /** The stored form of a dead letter; see {@link RedisDeadLetters#entry}. */
  static byte[] deadLetterEntry(String queue, String reason, Instant at, byte[] envelope) {
    return RedisDeadLetters.entry(queue, reason, at, envelope);
  }

  private static String workerName() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        host = "localhost";
      }
    }
    byte[] random = new byte[4];
    ThreadLocalRandom.current().nextBytes(random);
    return host + ":" + ProcessHandle.current().pid() + ":" + HexFormat.of().formatHex(random);
  }
}
