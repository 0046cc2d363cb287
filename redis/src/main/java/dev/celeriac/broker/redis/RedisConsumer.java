package dev.celeriac.broker.redis;

import static dev.celeriac.broker.redis.RedisKeys.bytes;

import dev.celeriac.broker.BrokerException;
import dev.celeriac.broker.BrokerUnreachableException;
import dev.celeriac.broker.Delivery;
import dev.celeriac.broker.FirstConnection;
import dev.celeriac.broker.MessageConsumer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The consuming side of {@link RedisBroker}: pops messages in batches with a Lua script that records each in flight
 * in the same step (kombu's {@code unacked} structures and this worker's in-flight hash), waits for arrivals with an
 * {@link ArrivalWatch} whose moves land in this worker's hand-off lists (the message a wait moved starts from the
 * move's reply and is claimed in flight while it runs), settles deliveries, and sends acks in pipelined batches. It
 * knows which in-flight fields this process holds, so that it can return what a fetch whose reply was lost left in
 * flight. Its {@link RedisRecovery} heartbeats while it consumes.
 */
final class RedisConsumer implements MessageConsumer {

  private static final Logger log = LoggerFactory.getLogger(RedisConsumer.class);
  private static final LuaScript FETCH = LuaScript.load("fetch");
  private static final LuaScript ACK = LuaScript.load("ack");
  private static final LuaScript SETTLE = LuaScript.load("settle");
  private static final LuaScript RECLAIM = LuaScript.load("reclaim");
  private static final LuaScript HANDBACK = LuaScript.load("handback");
  private static final LuaScript CLAIM = LuaScript.load("claim");

  /**
   * The longest a fetch sleeps between empty polls when it cannot block in Redis (no connection for the
   * {@link ArrivalWatch} could be opened); an idle worker otherwise wakes as a message arrives.
   */
  static final Duration MAX_POLL_INTERVAL = Duration.ofMillis(50);

  private final UnifiedJedis redis;
  private final RedisCalls calls;
  private final ReplicaAcks replicaAcks;
  private final String workerId;
  private final byte[] inFlightKey;
  /** The queues this process declared, shared by the broker's parts. */
  private final Set<String> declaredQueues;
  private final Set<String> consumedQueues = ConcurrentHashMap.newKeySet();
  private final AckBatcher acks;
  /** In-flight fields this process holds: fetched and not yet settled (acks count once Redis took them). */
  private final Set<String> held = ConcurrentHashMap.newKeySet();
  /** Held while a fetch script runs and its reply is recorded in {@link #held}. */
  private final ReentrantLock fetching = new ReentrantLock();
  /** A fetch failed on the connection, so its script may have run: guarded by {@link #fetching}. */
  private boolean fetchReplyLost;
  /** The number of the next in-flight field, {@code <worker>#<n>}. */
  private final AtomicLong nextField = new AtomicLong();
  private final String fieldPrefix;
  /**
   * Deliveries started from a watcher's {@code BLMOVE} reply and not yet claimed in flight, by field: their
   * message is still in its hand-off list. Entries are removed under {@link #fetching}.
   */
  private final Map<String, Unclaimed> unclaimed = new ConcurrentHashMap<>();
  /** Fields of {@link #unclaimed} whose ack came while their claim failed: acked once claimed. */
  private final Set<String> ackWhenClaimed = ConcurrentHashMap.newKeySet();
  private final Queue<Abandoned> abandoned = new ConcurrentLinkedQueue<>();
  private final Object consumerLock = new Object();
  private final byte[] handoffsKey;
  private final ArrivalWatch arrivals;
  /**
   * The list keys of the last fetch when its last wait timed out, so that the next fetch of the same lists waits
   * at once, without a fetch.lua first; null otherwise.
   */
  private volatile Set<ByteBuffer> quietKeys;
  /** Redis refused the blocking move: an idle fetch polls. */
  private volatile boolean pollOnly;
  private final RedisRecovery recovery;

  RedisConsumer(UnifiedJedis redis, RedisCalls calls, RedisSettings settings, ReplicaAcks replicaAcks,
      String workerId, Set<String> declaredQueues) {
    this.redis = redis;
    this.calls = calls;
    this.replicaAcks = replicaAcks;
    this.workerId = workerId;
    this.declaredQueues = declaredQueues;
    this.inFlightKey = bytes(RedisKeys.inFlight(workerId));
    this.fieldPrefix = workerId + "#";
    this.acks = new AckBatcher(this::ackBatch, calls.url().toString());
    this.handoffsKey = bytes(RedisKeys.handoffs(workerId));
    this.arrivals = new ArrivalWatch(calls.url(), redis, "celeriac-wait:" + workerId.replaceAll("[^!-~]", "_"),
        listKey -> RedisKeys.handoff(workerId, listKey), this::registerHandoffs);
    this.recovery = new RedisRecovery(redis, calls, settings, workerId, this);
  }

  /** The heartbeat and sweeps that run while this consumer consumes. */
  RedisRecovery recovery() {
    return recovery;
  }

  @Override
  public List<Delivery> fetch(List<String> queues, int max, Duration wait) throws InterruptedException {
    List<Delivery> handed = new ArrayList<>(1);
    List<Delivery> fetched = fetch(queues, max, wait, handed::add);
    if (handed.isEmpty()) {
      return fetched;
    }
    handed.addAll(fetched);
    return handed;
  }

  /**
   * The message a wait moved goes to {@code direct} from the watcher's thread, as soon as its {@code BLMOVE}
   * returns; this call then returns an empty list.
   */
  @Override
  public List<Delivery> fetch(List<String> queues, int max, Duration wait, Consumer<Delivery> direct)
      throws InterruptedException {
    try {
      return poll(queues, max, wait, direct);
    } catch (JedisConnectionException e) {
      throw new BrokerUnreachableException("could not fetch from " + calls.url() + ": " + FirstConnection.reason(e),
          e);
    } catch (JedisException e) {
      throw new BrokerException("could not fetch from " + calls.url() + ": " + FirstConnection.reason(e), e);
    }
  }

  private List<Delivery> poll(List<String> queues, int max, Duration wait, Consumer<Delivery> direct)
      throws InterruptedException {
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
    Map<ByteBuffer, String> queueOfKey = new HashMap<>();
    for (int step : RedisKeys.PRIORITY_STEPS) {
      for (String queue : rotated) {
        byte[] listKey = bytes(RedisKeys.priorityKey(queue, step));
        listKeys.add(listKey);
        queueOfKey.put(ByteBuffer.wrap(listKey), queue);
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
    // messages were promoted meanwhile or a hand-off list holds some. That holds across calls too: a call whose
    // last wait on the same lists timed out leaves the next call nothing to look at first.
    Set<ByteBuffer> watched = queueOfKey.keySet();
    boolean look = !watched.equals(quietKeys);
    quietKeys = null;
    while (true) {
      boolean handoffs = arrivals.takePending();
      // A wait that timed out at the end of the call: nothing to do, and the next call promotes as it starts.
      boolean over = !look && !handoffs && System.nanoTime() - deadline >= 0;
      boolean promoted = !over && recovery.promoteIfDue(look, deadline);
      List<Delivery> fetched = look || promoted || handoffs
          ? fetchOnce(max, handoffs ? withHandoffs : keys, args, handoffs) : List.of();
      long now = System.nanoTime();
      if (!fetched.isEmpty() || now >= deadline) {
        if (fetched.isEmpty() && !look && !pollOnly) {
          quietKeys = watched;
        }
        return fetched;
      }
      // Wake at the next promotion of delayed messages at the latest.
      long slice = Math.max(0, Math.min(deadline, recovery.nextPromotion()) - now);
      if (!pollOnly) {
        try {
          boolean[] handed = new boolean[1];
          Consumer<ArrivalWatch.Arrival> handOver = max < 1 ? null : moved -> {
            String queue = queueOfKey.get(ByteBuffer.wrap(moved.key()));
            if (queue == null) {
              return; // fetched from the hand-off list, which the move marked pending
            }
            RedisDelivery delivery = startUnclaimed(moved, queue);
            try {
              direct.accept(delivery);
            } catch (RuntimeException e) {
              unclaimed.remove(delivery.field());
              held.remove(delivery.field());
              throw e;
            }
            handed[0] = true;
          };
          look = arrivals.await(listKeys, slice, handOver);
          if (handed[0]) {
            return List.of();
          }
          continue;
        } catch (UnsupportedOperationException e) {
          pollOnly = true;
          log.warn("Cannot wait for messages in Redis at {} ({}): polling every {} ms at most instead", calls.url(),
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
      if (!unclaimed.isEmpty()) {
        // Before the hand-off lists are drained: the messages running from a watcher's reply are still in them.
        claimLocked();
      }
      // Numbers are never reused, even those of a run whose reply was lost: that run may have taken them.
      long first = nextField.getAndAdd(max);
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

  /**
   * A delivery of the message a watcher moved into its hand-off list, started from the {@code BLMOVE} reply:
   * its task runs while the next fetch (or its own settle, whichever comes first) claims it in flight with
   * claim.lua, instead of a fetch round trip before it starts. Until then the message is in the hand-off list,
   * where recovery finds it if this worker dies, and every other reader of the hand-off lists (fetch, hand-back)
   * claims it first.
   */
  private RedisDelivery startUnclaimed(ArrivalWatch.Arrival arrival, String queue) {
    String field = fieldPrefix + nextField.getAndIncrement();
    held.add(field);
    unclaimed.put(field, new Unclaimed(arrival.key(), queue, arrival.envelope()));
    return new RedisDelivery(this, queue, field, arrival.envelope());
  }

  /** A delivery whose message is still in its hand-off list (see {@link #startUnclaimed}). */
  // Its bytes are keys and a payload carried as received, never compared.
  @SuppressWarnings("ArrayRecordComponent")
  private record Unclaimed(byte[] listKey, String queue, byte[] envelope) {}

  /**
   * Claims every {@link #unclaimed} delivery in flight with one run of claim.lua; the caller holds {@link
   * #fetching}. A message that is no longer in its hand-off list went back to its queue (recovery took this worker
   * for dead, or the hand-off lists were handed back): its delivery no longer owns it, as one whose in-flight entry
   * recovery returned, and its settle does nothing.
   *
   * @throws JedisException when Redis does not answer: the deliveries stay unclaimed, to be claimed next time
   */
  private void claimLocked() {
    List<String> fields = new ArrayList<>(unclaimed.keySet());
    List<byte[]> keys = new ArrayList<>(3 + 2 * fields.size());
    keys.add(RedisKeys.UNACKED);
    keys.add(RedisKeys.UNACKED_INDEX);
    keys.add(inFlightKey);
    List<byte[]> args = new ArrayList<>(3 * fields.size());
    for (String field : fields) {
      Unclaimed message = unclaimed.get(field);
      keys.add(message.listKey());
      keys.add(RedisKeys.handoff(workerId, message.listKey()));
      args.add(bytes(field));
      args.add(bytes(message.queue()));
      args.add(message.envelope());
    }
    @SuppressWarnings("unchecked")
    List<Long> claimed = (List<Long>) CLAIM.run(redis, keys, args);
    for (int i = 0; i < fields.size(); i++) {
      String field = fields.get(i);
      unclaimed.remove(field);
      if (claimed.get(i) == 0) {
        held.remove(field);
        log.warn("Message {} went back to its queue before this worker recorded it in flight (it was taken for "
            + "dead, or handed its messages back); it may run again elsewhere", field);
      }
      if (ackWhenClaimed.remove(field)) {
        acks.add(field);
      }
    }
  }

  /** Claims {@code field} first if it is {@link #unclaimed}: before it is settled. */
  private void claimIfUnclaimed(String field) {
    if (!unclaimed.containsKey(field)) {
      return;
    }
    fetching.lock();
    try {
      if (unclaimed.containsKey(field)) {
        claimLocked();
      }
    } finally {
      fetching.unlock();
    }
  }

  /** Records the list keys this worker may hold hand-off lists of, where recovery reads them. */
  private void registerHandoffs(List<byte[]> listKeys) {
    if (!listKeys.isEmpty()) {
      redis.sadd(handoffsKey, listKeys.toArray(new byte[0][]));
    }
  }

  /** Records again every list key the watch has waited on: a recovery that took this worker for dead deleted them. */
  void registerWatchedHandoffs() {
    registerHandoffs(arrivals.watchedKeys());
  }

  /** Wakes an idle fetch, to recompute its wait. */
  void wake() {
    arrivals.wake();
  }

  /** The queues this process has consumed. */
  Set<String> consumedQueues() {
    return consumedQueues;
  }

  /**
   * Returns what this worker's hand-off lists hold to the head of their queues: a stopping worker (or one
   * switching queues) calls this once its fetcher has stopped waiting, so that a message a watcher moved just
   * before the stop goes back now, not when the broker closes after the running tasks end.
   */
  @Override
  public void stopConsuming(List<String> queues) {
    if (handBack() && !calls.closed()) {
      // handback.lua forgets the watched keys; a worker that goes on (with other queues) waits on them again.
      try {
        registerHandoffs(arrivals.watchedKeys());
      } catch (JedisException e) {
        log.warn("Could not record the hand-off lists of {} on {}: {}; the next heartbeat does", workerId,
            calls.url(), e.getMessage());
      }
    }
  }

  /** Stops waiting for arrivals and hands back what the watch moved; false when Redis did not take them back. */
  boolean closeArrivals() {
    arrivals.close();
    return handBack();
  }

  /** Sends the acks still pending. */
  void closeAcks() {
    acks.close();
  }

  /** Runs handback.lua; false when Redis did not answer (recovery then returns the lists). */
  private boolean handBack() {
    if (arrivals.watchedKeys().isEmpty()) {
      return true;
    }
    fetching.lock();
    try {
      if (!unclaimed.isEmpty()) {
        // Running messages are not handed back: claimed in flight, they are acked when their task ends.
        claimLocked();
      }
    } catch (JedisException e) {
      log.warn("Could not record the running messages of {} in flight on {}, so its hand-off lists stay: {}; a live "
          + "worker returns them after the heartbeat timeout", workerId, calls.url(), e.getMessage());
      return false;
    } finally {
      fetching.unlock();
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
          + "heartbeat timeout", workerId, calls.url(), e.getMessage());
      return false;
    }
  }

  private void startConsuming(List<String> queues) {
    if (consumedQueues.containsAll(queues) && recovery.heartbeat() != null) {
      return;
    }
    synchronized (consumerLock) {
      consumedQueues.addAll(queues);
      recovery.startHeartbeat();
      List<String> undeclared = queues.stream().filter(queue -> !declaredQueues.contains(queue)).toList();
      if (!undeclared.isEmpty()) {
        calls.withRetry("declare queues", () -> {
          try (Pipeline pipeline = RedisClients.pipeline(redis)) {
            undeclared.forEach(queue -> RedisCalls.declare(pipeline, queue));
            RedisCalls.syncOrThrow(pipeline);
          }
          return null;
        });
        declaredQueues.addAll(undeclared);
      }
    }
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
    Object owned = calls.withRetry("settle a message", () -> {
      claimIfUnclaimed(tag);
      return SETTLE.run(redis, List.of(RedisKeys.UNACKED, RedisKeys.UNACKED_INDEX, inFlightKey, target),
          List.of(bytes(tag), bytes(action), payload, bytes(Long.toString(score))), replicaAcks, action + " of " + tag);
    });
    held.remove(tag);
    if ("park".equals(action)) {
      recovery.promoteBy(score);
    }
    return ((Long) owned) == 1;
  }

  void ack(String tag) {
    if (unclaimed.containsKey(tag)) {
      fetching.lock();
      try {
        if (unclaimed.containsKey(tag)) {
          claimLocked();
        }
      } catch (JedisException e) {
        // Acked by the claim that succeeds, at the next fetch at the latest.
        ackWhenClaimed.add(tag);
        log.debug("Could not record message {} in flight before its ack: {}", tag, e.getMessage());
        return;
      } finally {
        fetching.unlock();
      }
    }
    acks.add(tag);
  }

  /** A delivery whose settle failed: {@link RedisRecovery#maintain()} returns it to the head of its list. */
  // Its bytes are a payload carried as received, never compared: record equality by array identity is fine.
  @SuppressWarnings("ArrayRecordComponent")
  private record Abandoned(String tag, byte[] listKey, byte[] envelope) {}

  void abandon(String tag, byte[] listKey, byte[] envelope) {
    abandoned.add(new Abandoned(tag, listKey, envelope));
  }

  /**
   * Returns messages whose settle failed to the head of their queue. A failure leaves the rest for the next
   * sweep without throwing: the checks after this one in {@link RedisRecovery#maintain()} must run regardless.
   */
  void returnAbandoned() {
    for (Abandoned message; (message = abandoned.peek()) != null; abandoned.poll()) {
      try {
        claimIfUnclaimed(message.tag());
        SETTLE.run(redis, List.of(RedisKeys.UNACKED, RedisKeys.UNACKED_INDEX, inFlightKey, message.listKey()),
            List.of(bytes(message.tag()), bytes("head"), message.envelope(), bytes("0")));
      } catch (JedisException e) {
        log.warn("Could not yet return {} abandoned messages to their queues on {}: {}", abandoned.size(),
            calls.url(), e.getMessage());
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
  void reclaimUnknown() {
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

  private List<String> rotate(List<String> queues) {
    if (queues.size() < 2) {
      return queues;
    }
    int start = ThreadLocalRandom.current().nextInt(queues.size());
    List<String> rotated = new ArrayList<>(queues.subList(start, queues.size()));
    rotated.addAll(queues.subList(0, start));
    return rotated;
  }
}
