package dev.celeriac.broker.redis;

import static dev.celeriac.broker.redis.RedisKeys.bytes;

import dev.celeriac.ConfigurationException;
import dev.celeriac.broker.Broker;
import dev.celeriac.broker.BrokerException;
import dev.celeriac.broker.BrokerUnreachableException;
import dev.celeriac.broker.BrokerUrl;
import dev.celeriac.broker.DeadLetter;
import dev.celeriac.broker.DeadLetterStore;
import dev.celeriac.broker.Delivery;
import dev.celeriac.broker.FirstConnection;
import dev.celeriac.broker.QueueStats;
import dev.celeriac.protocol.Ids;
import dev.celeriac.protocol.Json;
import dev.celeriac.protocol.KombuEnvelope;
import dev.celeriac.protocol.MalformedMessageException;
import dev.celeriac.protocol.TaskMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Redis as Celery's kombu uses it, made crash-safe. Producers {@code LPUSH} the plain kombu envelope to
 * the queue's priority list. Consumers pop in batches with a Lua script that records each message in
 * flight in the same step, in kombu's {@code unacked} structures and in a per-worker hash; acks go out
 * in pipelined batches. Workers heartbeat; any live worker returns the in-flight messages of a worker
 * whose heartbeat lapsed, and restores stale entries of Python workers as kombu's visibility timeout
 * does. A message that arrives before its {@code eta} is parked in a delayed sorted set in the same
 * step as its ack, and promoted back once due by exactly one worker. Thread-safe.
 */
public final class RedisBroker implements Broker {

  private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);
  private static final LuaScript FETCH = LuaScript.load("fetch");
  private static final LuaScript ACK = LuaScript.load("ack");
  private static final LuaScript SETTLE = LuaScript.load("settle");
  private static final LuaScript PROMOTE = LuaScript.load("promote");
  private static final LuaScript HEARTBEAT = LuaScript.load("heartbeat");
  private static final LuaScript RECOVER = LuaScript.load("recover");
  private static final LuaScript VISIBILITY = LuaScript.load("visibility");
  private static final LuaScript REQUEUE_DEAD = LuaScript.load("requeue_dead");
  private static final LuaScript RECLAIM = LuaScript.load("reclaim");
  private static final LuaScript CRON_SLOT = LuaScript.load("cron_slot");
  private static final LuaScript HANDBACK = LuaScript.load("handback");

  /**
   * The longest a fetch sleeps between empty polls when it cannot block in Redis (no connection for the
   * {@link ArrivalWatch} could be opened); an idle worker otherwise wakes as a message arrives.
   */
  static final Duration MAX_POLL_INTERVAL = Duration.ofMillis(50);
  /** How often a busy consuming broker promotes due delayed messages. */
  static final Duration PROMOTE_INTERVAL = Duration.ofMillis(250);
  /**
   * How often an idle one does, unless a delayed message is due sooner (those it knows of: its own, and those
   * the last promotion saw): each promotion is a script run in Redis for every idle worker.
   */
  static final Duration IDLE_PROMOTE_INTERVAL = Duration.ofSeconds(1);
  private static final int PROMOTE_BATCH = 1000;
  /** Values in one LPUSH of a batch: about 100 KB of envelopes, a few of the pipeline's buffers. */
  static final int PUSH_RUN = 64;

  private final RedisEndpoint url;
  private final UnifiedJedis redis;
  private final RedisSettings settings;
  private final ReplicaAcks replicaAcks;
  private final String workerId;
  private final byte[] inFlightKey;
  private final Set<String> declaredQueues = ConcurrentHashMap.newKeySet();
  private final Set<String> consumedQueues = ConcurrentHashMap.newKeySet();
  private final AckBatcher acks;
  /** In-flight fields this process holds: fetched and not yet settled (acks count once Redis took them). */
  private final Set<String> held = ConcurrentHashMap.newKeySet();
  /** Held while a fetch script runs and its reply is recorded in {@link #held}. */
  private final java.util.concurrent.locks.ReentrantLock fetching = new java.util.concurrent.locks.ReentrantLock();
  /** A fetch failed on the connection, so its script may have run: guarded by {@link #fetching}. */
  private boolean fetchReplyLost;
  /** The number of the next in-flight field, {@code <worker>#<n>}: guarded by {@link #fetching}. */
  private long nextField;
  private final String fieldPrefix;
  private final java.util.Queue<Abandoned> abandoned = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final Object consumerLock = new Object();
  private volatile Thread heartbeat;
  private volatile boolean closed;
  private volatile long nextPromotion;
  private final dev.celeriac.broker.FleetSupport fleet;
  private final byte[] handoffsKey;
  private final ArrivalWatch arrivals;
  /** Redis refused the blocking move: an idle fetch polls. */
  private volatile boolean pollOnly;

  private RedisBroker(RedisEndpoint url, UnifiedJedis redis, RedisSettings settings) {
    this.fleet = new dev.celeriac.broker.FleetSupport(new RedisEventPublisher(redis, url.database(), url),
        new RedisMailbox(redis, url.database(), url), new RedisRevokeStore(redis, url), true);
    this.url = url;
    this.redis = redis;
    this.settings = settings;
    this.replicaAcks = new ReplicaAcks(settings.minReplicaAcks(), settings.unreachableTimeout(), url);
    this.workerId = workerName();
    this.inFlightKey = bytes(RedisKeys.inFlight(workerId));
    this.fieldPrefix = workerId + "#";
    this.acks = new AckBatcher(this::ackBatch, url.toString());
    this.handoffsKey = bytes(RedisKeys.handoffs(workerId));
    this.arrivals = new ArrivalWatch(url, redis, "celeriac-wait:" + workerId.replaceAll("[^!-~]", "_"),
        listKey -> RedisKeys.handoff(workerId, listKey), this::registerHandoffs);
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
  public java.util.Optional<dev.celeriac.broker.FleetSupport> fleet() {
    return java.util.Optional.of(fleet);
  }

  /** The name this process heartbeats under, {@code host:pid:random}. */
  public String workerId() {
    return workerId;
  }

  @Override
  public void publish(String queue, TaskMessage message) {
    publishAll(List.of(new Outgoing(queue, message)));
  }

  @Override
  public void publishAll(List<Outgoing> messages) {
    if (messages.isEmpty()) {
      return;
    }
    Set<String> newQueues = new TreeSet<>();
    for (Outgoing outgoing : messages) {
      if (!declaredQueues.contains(outgoing.queue())) {
        newQueues.add(outgoing.queue());
      }
    }
    // A run of messages for one list goes out as one LPUSH with many values: Redis stores them in the
    // order of separate pushes at a fraction of the cost per command, and the pipeline has one reply
    // per run. Runs are short, so that Redis stores the first ones while the rest are encoded (the
    // pipeline writes out every few kilobytes). Envelopes are kept for a retry, which sends them again.
    List<byte[]> envelopes = new ArrayList<>(messages.size());
    withRetry("enqueue", () -> {
      try (Pipeline pipeline = RedisClients.pipeline(redis)) {
        for (String queue : newQueues) {
          declare(pipeline, queue);
        }
        for (int start = 0, end; start < messages.size(); start = end) {
          String key = priorityKey(messages.get(start));
          end = start + 1;
          while (end < messages.size() && end - start < PUSH_RUN && key.equals(priorityKey(messages.get(end)))) {
            end++;
          }
          for (int i = envelopes.size(); i < end; i++) {
            Outgoing outgoing = messages.get(i);
            envelopes.add(KombuEnvelope.encode(outgoing.message(), outgoing.queue(), Ids.uuid()));
          }
          pipeline.lpush(bytes(key), envelopes.subList(start, end).toArray(new byte[0][]));
        }
        syncOrThrow(pipeline);
        replicaAcks.await(pipeline, "enqueue");
      }
      return null;
    });
    declaredQueues.addAll(newQueues);
  }

  private static String priorityKey(Outgoing outgoing) {
    return RedisKeys.priorityKey(outgoing.queue(), outgoing.message().priority());
  }

  /** One script checks the schedule's last slot, records the new one and pushes the message: atomic. */
  @Override
  public SlotOutcome publishSlot(String schedule, java.time.Instant slot, java.time.Instant firstSlotFrom,
      String queue, TaskMessage message) {
    byte[] envelope = KombuEnvelope.encode(message, queue, Ids.uuid());
    Object published = withRetry("cron enqueue", () -> CRON_SLOT.run(redis,
        List.of(bytes(RedisKeys.cron(schedule)), bytes(RedisKeys.priorityKey(queue, message.priority())),
            RedisKeys.QUEUES, bytes(RedisKeys.binding(queue))),
        List.of(bytes(Long.toString(slot.toEpochMilli())), bytes(Long.toString(firstSlotFrom.toEpochMilli())),
            envelope, bytes(queue), bytes(RedisKeys.bindingMember(queue))), replicaAcks, "cron slot " + schedule));
    declaredQueues.add(queue);
    return ((Long) published) == 1 ? SlotOutcome.FIRED : SlotOutcome.SKIPPED;
  }

  @Override
  public List<Delivery> fetch(List<String> queues, int max, Duration wait) throws InterruptedException {
    try {
      return poll(queues, max, wait);
    } catch (JedisConnectionException e) {
      throw new BrokerUnreachableException("could not fetch from " + url + ": " + FirstConnection.reason(e), e);
    } catch (JedisException e) {
      throw new BrokerException("could not fetch from " + url + ": " + FirstConnection.reason(e), e);
    }
  }

  private List<Delivery> poll(List<String> queues, int max, Duration wait) throws InterruptedException {
    startConsuming(queues);
    long deadline = System.nanoTime() + wait.toNanos();
    long sleepMillis = 1;
    List<byte[]> keys = new ArrayList<>();
    keys.add(RedisKeys.UNACKED);
    keys.add(RedisKeys.UNACKED_INDEX);
    keys.add(inFlightKey);
    List<byte[]> args = new ArrayList<>();
    args.add(bytes(Integer.toString(max)));
    args.add(bytes(workerId));
    args.add(null); // the number of the first field, set for each run of the script
    // kombu's order: every queue's step 0 before any queue's step 3, and so on; rotate queues for fairness.
    List<String> rotated = rotate(queues);
    List<byte[]> listKeys = new ArrayList<>();
    for (int step : RedisKeys.PRIORITY_STEPS) {
      for (String queue : rotated) {
        listKeys.add(bytes(RedisKeys.priorityKey(queue, step)));
        args.add(bytes(queue));
      }
    }
    keys.addAll(listKeys);
    List<byte[]> withHandoffs = new ArrayList<>(keys);
    for (byte[] listKey : listKeys) {
      withHandoffs.add(RedisKeys.handoff(workerId, listKey));
    }
    // After a wait that timed out, the lists were empty all the while it watched them (it would have moved any
    // message), and one that arrives now is moved at once by the next wait: no fetch needed, unless delayed
    // messages were promoted meanwhile or a hand-off list holds some.
    boolean look = true;
    while (true) {
      boolean promoted = promoteIfDue(look);
      boolean handoffs = arrivals.takePending();
      List<Delivery> fetched = look || promoted || handoffs
          ? fetchOnce(max, handoffs ? withHandoffs : keys, args, handoffs) : List.of();
      long now = System.nanoTime();
      if (!fetched.isEmpty() || now >= deadline) {
        return fetched;
      }
      // Wake at the next promotion of delayed messages at the latest.
      long slice = Math.max(0, Math.min(deadline, nextPromotion) - now);
      if (!pollOnly) {
        try {
          look = arrivals.await(listKeys, slice);
          continue;
        } catch (UnsupportedOperationException e) {
          pollOnly = true;
          log.warn("Cannot wait for messages in Redis at {} ({}): polling every {} ms at most instead", url,
              e.getMessage(), MAX_POLL_INTERVAL.toMillis());
        }
      }
      look = true;
      Thread.sleep(Math.min(sleepMillis, Math.max(1, slice / 1_000_000)));
      sleepMillis = Math.min(sleepMillis * 2, MAX_POLL_INTERVAL.toMillis());
    }
  }

  /** One run of fetch.lua on {@code keys}; {@code handoffs} when they include the hand-off lists. */
  private List<Delivery> fetchOnce(int max, List<byte[]> keys, List<byte[]> args, boolean handoffs) {
    List<Delivery> fetched;
    fetching.lock();
    try {
      if (fetchReplyLost) {
        // Now, not at the next maintain(): its tryLock loses to a busy fetch loop, and until then the
        // messages wait in flight under this live worker.
        reclaimUnknownLocked();
      }
      // Numbers are never reused, even those of a run whose reply was lost: that run may have taken them.
      long first = nextField;
      nextField += max;
      args.set(2, bytes(Long.toString(first)));
      fetched = toDeliveries(runFetch(keys, args), first);
    } catch (RuntimeException e) {
      if (handoffs) {
        arrivals.markPending();
      }
      throw e;
    } finally {
      fetching.unlock();
    }
    if (handoffs && fetched.size() == max) {
      // The hand-off lists may hold more than this fetch took: drain them next time.
      arrivals.markPending();
    }
    return fetched;
  }

  /** Records the list keys this worker may hold hand-off lists of, where recovery reads them. */
  private void registerHandoffs(List<byte[]> listKeys) {
    if (!listKeys.isEmpty()) {
      redis.sadd(handoffsKey, listKeys.toArray(new byte[0][]));
    }
  }

  @Override
  public DeadLetterStore deadLetters() {
    return new RedisDeadLetters();
  }

  @Override
  public void ping() {
    once("ping", redis::ping);
  }

  @Override
  public QueueStats stats(String queue) {
    return once("read the counts of " + queue, () -> {
      long ready = 0;
      long bytesUsed = 0;
      for (int step : RedisKeys.PRIORITY_STEPS) {
        byte[] key = bytes(RedisKeys.priorityKey(queue, step));
        ready += redis.llen(key);
        bytesUsed += memoryUsage(key);
      }
      byte[] delayedKey = bytes(RedisKeys.delayed(queue));
      byte[] deadKey = bytes(RedisKeys.dead(queue));
      bytesUsed += memoryUsage(delayedKey) + memoryUsage(deadKey);
      long inFlight = 0;
      for (byte[] entry : redis.hvals(RedisKeys.UNACKED)) {
        if (queue.equals(routingKeyOf(entry))) {
          inFlight++;
          bytesUsed += entry.length;
        }
      }
      return new QueueStats(queue, ready, inFlight, redis.zcard(delayedKey), redis.llen(deadKey), bytesUsed);
    });
  }

  @Override
  public Set<String> queueNames() {
    return once("list the queues", () -> {
      Set<String> names = new TreeSet<>();
      for (byte[] queue : redis.smembers(RedisKeys.QUEUES)) {
        names.add(new String(queue, StandardCharsets.UTF_8));
      }
      String cursor = ScanParams.SCAN_POINTER_START;
      ScanParams pattern = new ScanParams().match("_kombu.binding.*").count(500);
      do {
        ScanResult<String> page = redis.scan(cursor, pattern);
        for (String key : page.getResult()) {
          String queue = key.substring("_kombu.binding.".length());
          if (!queue.endsWith(".pidbox") && !queue.startsWith("celery.pidbox") && !queue.contains("celeryev")) {
            names.add(queue);
          }
        }
        cursor = page.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
      return names;
    });
  }

  @Override
  public long purge(String queue) {
    return once("purge " + queue, () -> {
      long removed = 0;
      for (int step : RedisKeys.PRIORITY_STEPS) {
        byte[] key = bytes(RedisKeys.priorityKey(queue, step));
        removed += redis.llen(key);
        redis.del(key);
      }
      return removed;
    });
  }

  /**
   * Returns what this worker's hand-off lists hold to the head of their queues: a stopping worker (or one
   * switching queues) calls this once its fetcher has stopped waiting, so that a message a watcher moved just
   * before the stop goes back now, not when the broker closes after the running tasks end.
   */
  @Override
  public void stopConsuming(List<String> queues) {
    if (handBack() && !closed) {
      // handback.lua forgets the watched keys; a worker that goes on (with other queues) waits on them again.
      try {
        registerHandoffs(arrivals.watchedKeys());
      } catch (JedisException e) {
        log.warn("Could not record the hand-off lists of {} on {}: {}; the next heartbeat does", workerId, url,
            e.getMessage());
      }
    }
  }

  /** Runs handback.lua; false when Redis did not answer (recovery then returns the lists). */
  private boolean handBack() {
    if (arrivals.watchedKeys().isEmpty()) {
      return true;
    }
    try {
      Object handedBack = HANDBACK.run(redis, List.of(handoffsKey),
          List.of(bytes(RedisKeys.HANDOFF_PREFIX + workerId + "\n")));
      if (((Long) handedBack) > 0) {
        log.info("Returned {} messages this worker had taken but not started to their queues", handedBack);
      }
      return true;
    } catch (JedisException e) {
      log.warn("Could not return the hand-off lists of {} on {}: {}; a live worker returns them after the "
          + "heartbeat timeout", workerId, url, e.getMessage());
      return false;
    }
  }

  /**
   * Stops heartbeating after flushing acks. Whatever this process still holds in flight stays recorded
   * and comes back to its queue through another worker's recovery; with nothing in flight the worker
   * entry is removed at once.
   */
  @Override
  public synchronized void close() {
    // synchronized: a second caller (a shutdown hook racing the main thread) waits until acks are flushed.
    if (closed) {
      return;
    }
    closed = true;
    Thread beat = heartbeat;
    boolean handedBackAll = true;
    arrivals.close();
    if (!handBack()) {
      handedBackAll = false; // the worker stays registered, so that recovery finds them
    }
    if (beat != null) {
      beat.interrupt();
      try {
        beat.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    acks.close();
    if (beat != null) {
      try {
        if (handedBackAll && redis.hlen(inFlightKey) == 0) {
          redis.zrem(RedisKeys.WORKERS, bytes(workerId));
        } else {
          log.warn("Closing with {} messages in flight; a live worker returns them after the heartbeat timeout",
              redis.hlen(inFlightKey));
        }
      } catch (JedisException e) {
        log.warn("Could not deregister worker {} from {}: {}", workerId, url, e.getMessage());
      }
    }
    redis.close();
  }

  @Override
  public String toString() {
    return "RedisBroker[" + url + "]";
  }

  /** For tests: the idle wait's patience with a consumer that does not wait again ({@link ArrivalWatch}). */
  void rearmPatience(Duration patience) {
    arrivals.rearmPatience(patience);
  }

  /** One sweep of what every live worker does periodically; public for tests and operators. */
  public void maintain() {
    heartbeatOnce();
    returnAbandoned();
    reclaimUnknown();
    Object recovered = RECOVER.run(redis, List.of(RedisKeys.WORKERS, RedisKeys.UNACKED, RedisKeys.UNACKED_INDEX),
        List.of(bytes(Long.toString(settings.heartbeatTimeout().toMillis())), bytes(RedisKeys.IN_FLIGHT_PREFIX),
            bytes(RedisKeys.HANDOFFS_PREFIX), bytes(RedisKeys.HANDOFF_PREFIX)));
    if (((Long) recovered) > 0) {
      log.warn("Returned {} in-flight messages of workers whose heartbeat lapsed", recovered);
    }
    Object restored = VISIBILITY.run(redis, List.of(RedisKeys.UNACKED, RedisKeys.UNACKED_INDEX),
        List.of(bytes(Long.toString(settings.visibilityTimeout().toSeconds())), bytes("1000")));
    if (((Long) restored) > 0) {
      log.warn("Restored {} messages unacknowledged past the visibility timeout", restored);
    }
    long[] promoted = promote();
    if (promoted[1] >= 0) {
      promoteBy(promoted[1]);
    }
  }

  private void startConsuming(List<String> queues) {
    if (consumedQueues.containsAll(queues) && heartbeat != null) {
      return;
    }
    synchronized (consumerLock) {
      consumedQueues.addAll(queues);
      if (heartbeat == null) {
        withRetry("register worker", () -> {
          heartbeatOnce();
          return null;
        });
        Thread thread = new Thread(this::heartbeatLoop, "celeriac-redis-heartbeat");
        thread.setDaemon(true);
        thread.start();
        heartbeat = thread;
        log.info("Consuming from {} as {}", url, workerId);
      }
      List<String> undeclared = queues.stream().filter(queue -> !declaredQueues.contains(queue)).toList();
      if (!undeclared.isEmpty()) {
        withRetry("declare queues", () -> {
          try (Pipeline pipeline = RedisClients.pipeline(redis)) {
            undeclared.forEach(queue -> declare(pipeline, queue));
            syncOrThrow(pipeline);
          }
          return null;
        });
        declaredQueues.addAll(undeclared);
      }
    }
  }

  /**
   * Sends the pipeline and throws the first error reply. sync() hands error replies to the responses without
   * throwing: an LPUSH that a restarted Redis refused with LOADING would count as enqueued and be lost.
   */
  private static void syncOrThrow(Pipeline pipeline) {
    for (Object reply : pipeline.syncAndReturnAll()) {
      if (reply instanceof JedisDataException refused) {
        throw refused;
      }
    }
  }

  private void heartbeatLoop() {
    long interval = Math.max(100, settings.heartbeatTimeout().toMillis() / 3);
    while (!closed) {
      try {
        Thread.sleep(interval);
        maintain();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("Heartbeat to {} failed: {}", url, FirstConnection.reason(e));
      }
    }
  }

  private void heartbeatOnce() {
    HEARTBEAT.run(redis, List.of(RedisKeys.WORKERS, RedisKeys.UNACKED_INDEX, inFlightKey), List.of(bytes(workerId)));
    // Again with each beat: a recovery that took this worker for dead (a long pause) deleted the set.
    registerHandoffs(arrivals.watchedKeys());
  }

  /**
   * Promotes due delayed messages if it is time; returns whether it moved any. The next time is {@link
   * #PROMOTE_INTERVAL} on while {@code busy}, else {@link #IDLE_PROMOTE_INTERVAL}, or sooner when a delayed
   * message is due sooner.
   */
  private boolean promoteIfDue(boolean busy) {
    long now = System.nanoTime();
    if (now < nextPromotion) {
      return false;
    }
    nextPromotion = now + (busy ? PROMOTE_INTERVAL : IDLE_PROMOTE_INTERVAL).toNanos();
    long[] outcome = promote();
    if (outcome[1] >= 0) {
      promoteBy(outcome[1]);
    }
    return outcome[0] > 0;
  }

  /** Promotes no later than {@code dueEpochMillis}, waking an idle fetch to recompute its wait. */
  private void promoteBy(long dueEpochMillis) {
    long at = System.nanoTime() + Math.max(0, dueEpochMillis - System.currentTimeMillis()) * 1_000_000;
    if (at < nextPromotion) {
      nextPromotion = at;
      arrivals.wake();
    }
  }

  /** Runs promote.lua: the number moved and the earliest due time left (epoch ms, or -1). */
  private long[] promote() {
    if (consumedQueues.isEmpty()) {
      return new long[] {0, -1};
    }
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> args = new ArrayList<>();
    args.add(bytes(Integer.toString(PROMOTE_BATCH)));
    for (String queue : consumedQueues) {
      keys.add(bytes(RedisKeys.delayed(queue)));
      args.add(bytes(queue));
    }
    List<?> outcome = (List<?>) PROMOTE.run(redis, keys, args);
    return new long[] {(Long) outcome.get(0), (Long) outcome.get(1)};
  }

  private void ackBatch(List<String> fields) {
    List<byte[]> args = new ArrayList<>(fields.size());
    for (String field : fields) {
      args.add(bytes(field));
    }
    ACK.run(redis, List.of(RedisKeys.UNACKED, RedisKeys.UNACKED_INDEX, inFlightKey), args, replicaAcks,
        "ack of " + fields.size() + " messages");
    held.removeAll(fields);
  }

  /** Runs one settle script; returns whether this worker still owned the delivery. */
  boolean settle(String tag, String action, byte[] target, byte[] payload, long score) {
    Object owned = withRetry("settle a message", () -> SETTLE.run(redis,
        List.of(RedisKeys.UNACKED, RedisKeys.UNACKED_INDEX, inFlightKey, target),
        List.of(bytes(tag), bytes(action), payload, bytes(Long.toString(score))), replicaAcks, action + " of " + tag));
    held.remove(tag);
    if ("park".equals(action)) {
      promoteBy(score);
    }
    return ((Long) owned) == 1;
  }

  void ack(String tag) {
    acks.add(tag);
  }

  /** A delivery whose settle failed: {@link #maintain()} returns it to the head of its list. */
  // Its bytes are a payload carried as received, never compared: record equality by array identity is fine.
  @SuppressWarnings("ArrayRecordComponent")
  private record Abandoned(String tag, byte[] listKey, byte[] envelope) {}

  void abandon(String tag, byte[] listKey, byte[] envelope) {
    abandoned.add(new Abandoned(tag, listKey, envelope));
  }

  /**
   * Returns messages whose settle failed to the head of their queue. A failure leaves the rest for the next
   * sweep without throwing: the checks after this one in {@link #maintain()} must run regardless.
   */
  private void returnAbandoned() {
    for (Abandoned message; (message = abandoned.peek()) != null; abandoned.poll()) {
      try {
        SETTLE.run(redis, List.of(RedisKeys.UNACKED, RedisKeys.UNACKED_INDEX, inFlightKey, message.listKey()),
            List.of(bytes(message.tag()), bytes("head"), message.envelope(), bytes("0")));
      } catch (JedisException e) {
        log.warn("Could not yet return {} abandoned messages to their queues on {}: {}", abandoned.size(), url,
            e.getMessage());
        return;
      }
      held.remove(message.tag());
    }
  }

  private Object runFetch(List<byte[]> keys, List<byte[]> args) {
    try {
      return FETCH.run(redis, keys, args);
    } catch (JedisConnectionException e) {
      // Redis may have run the script and recorded messages in flight before the reply was lost.
      fetchReplyLost = true;
      throw e;
    }
  }

  /** The reply of fetch.lua, queue and envelope of each message, whose fields are numbered from {@code first}. */
  private List<Delivery> toDeliveries(Object reply, long first) {
    @SuppressWarnings("unchecked")
    List<byte[]> flat = (List<byte[]>) reply;
    List<Delivery> deliveries = new ArrayList<>(flat.size() / 2);
    String queue = null;
    byte[] queueBytes = null;
    for (int i = 0; i < flat.size(); i += 2) {
      if (!Arrays.equals(flat.get(i), queueBytes)) {
        queueBytes = flat.get(i);
        queue = new String(queueBytes, StandardCharsets.UTF_8);
      }
      String field = fieldPrefix + (first + i / 2);
      held.add(field);
      deliveries.add(new RedisDelivery(this, queue, field, flat.get(i + 1)));
    }
    return deliveries;
  }

  /** The periodic backstop of {@link #reclaimUnknownLocked()}; skipped while a fetch is under way. */
  private void reclaimUnknown() {
    if (!fetching.tryLock()) {
      return;
    }
    try {
      reclaimUnknownLocked();
    } finally {
      fetching.unlock();
    }
  }

  /**
   * Returns what this worker's in-flight hash holds but the worker does not: the messages of a fetch
   * whose reply was lost. The caller holds {@link #fetching}, so no fetch reply is outstanding and every
   * other field is in {@link #held}.
   */
  private void reclaimUnknownLocked() {
    List<byte[]> unknown = new ArrayList<>();
    for (byte[] field : redis.hkeys(inFlightKey)) {
      if (!held.contains(new String(field, StandardCharsets.UTF_8))) {
        unknown.add(field);
      }
    }
    if (!unknown.isEmpty()) {
      Object returned = RECLAIM.run(redis, List.of(RedisKeys.UNACKED, RedisKeys.UNACKED_INDEX, inFlightKey),
          unknown);
      log.warn("Returned {} messages a lost fetch reply had left in flight under this worker", returned);
    }
    fetchReplyLost = false;
  }

  private static void declare(Pipeline pipeline, String queue) {
    pipeline.sadd(RedisKeys.QUEUES, bytes(queue));
    pipeline.sadd(bytes(RedisKeys.binding(queue)), bytes(RedisKeys.bindingMember(queue)));
  }

  private long memoryUsage(byte[] key) {
    Long used = redis.memoryUsage(key);
    return used == null ? 0 : used;
  }

  private static String routingKeyOf(byte[] unackedEntry) {
    try {
      return Json.read(unackedEntry) instanceof List<?> entry && entry.size() == 3 && entry.get(2) instanceof String key
          ? key : null;
    } catch (MalformedMessageException e) {
      return null;
    }
  }

  private List<String> rotate(List<String> queues) {
    if (queues.size() < 2) {
      return queues;
    }
    int start = ThreadLocalRandom.current().nextInt(queues.size());
    List<String> rotated = new ArrayList<>(queues.subList(start, queues.size()));
    rotated.addAll(queues.subList(0, start));
    return rotated;
  }

  /** Runs {@code action} once; a Redis failure becomes a {@link BrokerException} naming the masked broker URL. */
  private <T> T once(String what, java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (JedisException e) {
      throw new BrokerException("could not " + what + " on " + url + ": " + e.getMessage(), e);
    }
  }

  /**
   * Runs {@code action}, retrying while Redis is unreachable or still loading its data for up to the settings'
   * unreachable timeout; then throws a {@link BrokerException} that names the broker with its password masked.
   */
  <T> T withRetry(String what, java.util.function.Supplier<T> action) {
    long deadline = System.nanoTime() + settings.unreachableTimeout().toNanos();
    long backoff = 50;
    while (true) {
      try {
        return action.get();
      } catch (JedisException e) {
        if (!(e instanceof JedisConnectionException || RedisClients.isTransient(e))) {
          throw new BrokerException("could not " + what + " on " + url + ": " + e.getMessage(), e);
        }
        if (System.nanoTime() > deadline || closed) {
          throw new BrokerUnreachableException("could not " + what + ": Redis at " + url + " is unreachable ("
              + FirstConnection.reason(e) + ")", e);
        }
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new BrokerException("interrupted while trying to " + what + " on " + url, interrupted);
        }
        backoff = Math.min(backoff * 2, 1000);
      }
    }
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

  /** Dead letters as lists {@code celeriac:dead:<queue>} of {@code <json header>\n<original envelope>}. */
  private final class RedisDeadLetters implements DeadLetterStore {
    @Override
    public List<DeadLetter> list(String queue, int limit) {
      return once("list the dead letters of " + queue, () -> {
        List<DeadLetter> letters = new ArrayList<>();
        for (byte[] entry : redis.lrange(bytes(RedisKeys.dead(queue)), 0, limit - 1L)) {
          letters.add(parseDeadLetter(queue, entry));
        }
        return letters;
      });
    }

    @Override
    public long count(String queue) {
      return once("count the dead letters of " + queue, () -> {
        return redis.llen(bytes(RedisKeys.dead(queue)));
      });
    }

    @Override
    public long requeue(String queue) {
      return once("requeue the dead letters of " + queue, () -> {
        return (Long) REQUEUE_DEAD.run(redis, List.of(bytes(RedisKeys.dead(queue))), List.of(bytes(queue)));
      });
    }

    @Override
    public long purge(String queue) {
      return once("purge the dead letters of " + queue, () -> {
        byte[] key = bytes(RedisKeys.dead(queue));
        long count = redis.llen(key);
        redis.del(key);
        return count;
      });
    }
  }

  /** The stored form of a dead letter: a one-line JSON header, a newline, then the envelope unchanged. */
  static byte[] deadLetterEntry(String queue, String reason, Instant at, byte[] envelope) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("queue", queue);
    header.put("reason", reason);
    header.put("dead_at", at.toString());
    byte[] head = Json.write(header);
    byte[] entry = Arrays.copyOf(head, head.length + 1 + envelope.length);
    entry[head.length] = '\n';
    System.arraycopy(envelope, 0, entry, head.length + 1, envelope.length);
    return entry;
  }

  static DeadLetter parseDeadLetter(String queue, byte[] entry) {
    int newline = 0;
    while (newline < entry.length && entry[newline] != '\n') {
      newline++;
    }
    byte[] envelope = Arrays.copyOfRange(entry, Math.min(newline + 1, entry.length), entry.length);
    try {
      Map<?, ?> header = (Map<?, ?>) Json.read(Arrays.copyOf(entry, newline));
      return new DeadLetter(queue, String.valueOf(header.get("reason")), Instant.parse((String) header.get("dead_at")),
          envelope);
    } catch (RuntimeException e) {
      return new DeadLetter(queue, "(unreadable dead-letter header)", Instant.EPOCH, envelope);
    }
  }
}
