package dev.celeriac.broker.redis;

import static dev.celeriac.broker.redis.RedisKeys.bytes;

import dev.celeriac.broker.FirstConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * What keeps the messages of {@link RedisBroker} moving when processes die or messages wait for their eta: a consuming
 * process heartbeats, and with each beat sweeps ({@link #maintain()}): it returns the in-flight messages of workers
 * whose heartbeat lapsed, restores stale entries of Python workers as kombu's visibility timeout does, returns its own
 * abandoned settles and lost fetch replies, and promotes due delayed messages, which exactly one worker moves.
 */
final class RedisRecovery {

  private static final Logger log = LoggerFactory.getLogger(RedisRecovery.class);
  private static final LuaScript PROMOTE = LuaScript.load("promote");
  private static final LuaScript HEARTBEAT = LuaScript.load("heartbeat");
  private static final LuaScript RECOVER = LuaScript.load("recover");
  private static final LuaScript VISIBILITY = LuaScript.load("visibility");

  /** How often a busy consuming broker promotes due delayed messages. */
  static final Duration PROMOTE_INTERVAL = Duration.ofMillis(250);
  /**
   * How often an idle one does, unless a delayed message is due sooner (those it knows of: its own, and those
   * the last promotion saw): each promotion is a script run in Redis for every idle worker.
   */
  static final Duration IDLE_PROMOTE_INTERVAL = Duration.ofSeconds(1);
  private static final int PROMOTE_BATCH = 1000;

  private final UnifiedJedis redis;
  private final RedisCalls calls;
  private final RedisSettings settings;
  private final String workerId;
  private final byte[] inFlightKey;
  private final RedisConsumer consumer;
  private volatile Thread heartbeat;
  private volatile long nextPromotion;
  /** Whether {@link #nextPromotion} is the routine interval's, not a delayed message's due time. */
  private volatile boolean routinePromotion;

  RedisRecovery(UnifiedJedis redis, RedisCalls calls, RedisSettings settings, String workerId,
      RedisConsumer consumer) {
    this.redis = redis;
    this.calls = calls;
    this.settings = settings;
    this.workerId = workerId;
    this.inFlightKey = bytes(RedisKeys.inFlight(workerId));
    this.consumer = consumer;
  }

  /** One sweep of what every live worker does periodically. */
  void maintain() {
    heartbeatOnce();
    consumer.returnAbandoned();
    consumer.reclaimUnknown();
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

  /** The heartbeat thread, once consuming began; else null. */
  Thread heartbeat() {
    return heartbeat;
  }

  /**
   * Registers this worker and starts heartbeating, the first time it consumes; the caller holds the consumer's lock,
   * so that it starts once.
   */
  void startHeartbeat() {
    if (heartbeat != null) {
      return;
    }
    calls.withRetry("register worker", () -> {
      heartbeatOnce();
      return null;
    });
    Thread thread = new Thread(this::heartbeatLoop, "celeriac-redis-heartbeat");
    thread.setDaemon(true);
    thread.start();
    heartbeat = thread;
    log.info("Consuming from {} as {}", calls.url(), workerId);
  }

  /** Ends the heartbeat thread {@code beat} (null for none), waiting up to two seconds. */
  static void stop(Thread beat) {
    if (beat != null) {
      beat.interrupt();
      try {
        beat.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Removes this worker's registration when it holds nothing in flight and {@code handedBackAll}: whatever it still
   * holds stays recorded and comes back to its queue through another worker's recovery.
   */
  void deregister(boolean handedBackAll) {
    try {
      if (handedBackAll && redis.hlen(inFlightKey) == 0) {
        redis.zrem(RedisKeys.WORKERS, bytes(workerId));
      } else {
        log.warn("Closing with {} messages in flight; a live worker returns them after the heartbeat timeout",
            redis.hlen(inFlightKey));
      }
    } catch (JedisException e) {
      log.warn("Could not deregister worker {} from {}: {}", workerId, calls.url(), e.getMessage());
    }
  }

  private void heartbeatLoop() {
    long interval = Math.max(100, settings.heartbeatTimeout().toMillis() / 3);
    while (!calls.closed()) {
      try {
        Thread.sleep(interval);
        maintain();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("Heartbeat to {} failed: {}", calls.url(), FirstConnection.reason(e));
      }
    }
  }

  private void heartbeatOnce() {
    HEARTBEAT.run(redis, List.of(RedisKeys.WORKERS, RedisKeys.UNACKED_INDEX, inFlightKey), List.of(bytes(workerId)));
    // Again with each beat: a recovery that took this worker for dead (a long pause) deleted the set.
    consumer.registerWatchedHandoffs();
  }

  /** When the next promotion is due, in {@link System#nanoTime()}: an idle fetch wakes for it at the latest. */
  long nextPromotion() {
    return nextPromotion;
  }

  /**
   * Promotes due delayed messages if it is time; returns whether it moved any. The next time is {@link
   * #PROMOTE_INTERVAL} on while {@code busy}, else {@link #IDLE_PROMOTE_INTERVAL}, or sooner when a delayed
   * message is due sooner.
   */
  boolean promoteIfDue(boolean busy) {
    return promoteIfDue(busy, Long.MIN_VALUE);
  }

  /**
   * As {@link #promoteIfDue(boolean)}, and, when not {@code busy}, also now if the routine promotion would come
   * before {@code horizon} (a {@link System#nanoTime()}): an idle fetch that waits until then promotes at its start,
   * so that its wait is one block in Redis rather than two around a promotion.
   */
  boolean promoteIfDue(boolean busy, long horizon) {
    long now = System.nanoTime();
    if (now < nextPromotion && !(!busy && routinePromotion && nextPromotion - horizon < 0)) {
      return false;
    }
    nextPromotion = now + (busy ? PROMOTE_INTERVAL : IDLE_PROMOTE_INTERVAL).toNanos();
    routinePromotion = true;
    long[] outcome = promote();
    if (outcome[1] >= 0) {
      promoteBy(outcome[1]);
    }
    return outcome[0] > 0;
  }

  /** Promotes no later than {@code dueEpochMillis}, waking an idle fetch to recompute its wait. */
  void promoteBy(long dueEpochMillis) {
    long at = System.nanoTime() + Math.max(0, dueEpochMillis - System.currentTimeMillis()) * 1_000_000;
    if (at < nextPromotion) {
      nextPromotion = at;
      routinePromotion = false;
      consumer.wake();
    }
  }

  /** Runs promote.lua: the number moved and the earliest due time left (epoch ms, or -1). */
  private long[] promote() {
    if (consumer.consumedQueues().isEmpty()) {
      return new long[] {0, -1};
    }
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> args = new ArrayList<>();
    args.add(bytes(Integer.toString(PROMOTE_BATCH)));
    for (String queue : consumer.consumedQueues()) {
      keys.add(bytes(RedisKeys.delayed(queue)));
      args.add(bytes(queue));
    }
    List<?> outcome = (List<?>) PROMOTE.run(redis, keys, args);
    return new long[] {(Long) outcome.get(0), (Long) outcome.get(1)};
  }
}
