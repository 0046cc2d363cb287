package dev.celeriac.broker.redis;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ConnectionProvider;

/**
 * Wakes an idle consumer the moment a message arrives, without a loss window. While the consumer waits, one
 * thread per watched list key blocks in {@code BLMOVE key handoff RIGHT LEFT} on a connection of its own
 * (never one of the shared pool); a message that arrives is moved atomically into this worker's hand-off list
 * for that key, which the next {@code fetch.lua} drains before the key itself and which recovery returns to the
 * key if the worker dies ({@link RedisKeys#handoff}). So a message is always in a queue list, a hand-off list,
 * or recorded in flight: never only in this process's memory.
 *
 * <p>The watcher that moved a message hands it to the consumer as the {@code BLMOVE} reply gave it (see {@link
 * #await(Collection, long, Consumer)}), so that its task can start before it is claimed in flight, wakes the consumer, then {@code
 * CLIENT UNBLOCK}s the other watchers; one of them may still have moved a message in between, which the consumer
 * fetches first next time, as a prefetched message. A wait that ends without a message returns once no watcher
 * blocks any more (their BLMOVE times out at the same deadline). {@link #close} unblocks them all and returns once none can move anything,
 * so that the caller can then hand what the hand-off lists hold back to the queues.
 */
final class ArrivalWatch {

  private static final Logger log = LoggerFactory.getLogger(ArrivalWatch.class);

  private final RedisEndpoint endpoint;
  /** A client of the shared pool, for {@code CLIENT UNBLOCK}. */
  private final UnifiedJedis control;
  private final String clientName;
  private final Function<byte[], byte[]> handoffKey;
  private final Consumer<List<byte[]>> registerHandoffs;
  private final Map<ByteBuffer, Thread> watchers = new ConcurrentHashMap<>();
  /** The Redis client id of each watcher currently in a BLMOVE. */
  private final Map<ByteBuffer, Long> blocked = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  /** The keys watched while the consumer waits; empty when it does not wait. Guarded by {@link #lock}. */
  private Set<ByteBuffer> armed = Set.of();
  /** When the current wait ends, in {@link System#nanoTime()}. Guarded by {@link #lock}. */
  private long armedUntil;
  /** A watcher moved a message since the consumer last looked. Guarded by {@link #lock}. */
  private boolean arrived;
  /**
   * Who takes the first message moved during the current wait, on the watcher's thread; null once offered, or when
   * nobody does. Guarded by {@link #lock}.
   */
  private Consumer<Arrival> handOver;
  /** A hand-off list may hold messages: set by watchers, read and cleared by the consumer. */
  private final AtomicBoolean pending = new AtomicBoolean();
  private volatile boolean closed;
  private volatile ConnectionProvider connections;
  /** Why Redis refuses the blocking move (BLMOVE needs Redis 6.2; an ACL may deny it), or null. */
  private volatile String refused;

  /**
   * @param control a client of the shared pool, for {@code CLIENT UNBLOCK}
   * @param handoffKey the hand-off list of a watched list key
   * @param registerHandoffs records the given keys (all watched ones) where recovery finds them; runs before the
   *     first BLMOVE of each new key
   */
  ArrivalWatch(RedisEndpoint endpoint, UnifiedJedis control, String clientName, Function<byte[], byte[]> handoffKey,
      Consumer<List<byte[]>> registerHandoffs) {
    this.endpoint = endpoint;
    this.control = control;
    this.clientName = clientName;
    this.handoffKey = handoffKey;
    this.registerHandoffs = registerHandoffs;
  }

  /** The list keys watched so far (each may have a hand-off list). */
  // Every key of watchers is ByteBuffer.wrap of a whole key array, so array() is exactly that key.
  @SuppressWarnings("ByteBufferBackingArray")
  List<byte[]> watchedKeys() {
    List<byte[]> keys = new ArrayList<>();
    for (ByteBuffer key : watchers.keySet()) {
      keys.add(key.array());
    }
    return keys;
  }

  /** Whether a hand-off list may hold messages; clears the flag, so the caller must then drain them. */
  boolean takePending() {
    return pending.get() && pending.getAndSet(false);
  }

  /** Ends the consumer's current wait, as if a message had arrived: its next fetch finds what there is. */
  void wake() {
    synchronized (lock) {
      if (!armed.isEmpty()) {
        arrived = true;
        lock.notifyAll();
      }
    }
  }

  /**
   * A message a watcher's {@code BLMOVE} moved into the hand-off list of {@code key}, as its reply gave it: the
   * consumer can start it without fetching it first.
   */
  // Its bytes are a key and a payload carried as received, never compared.
  @SuppressWarnings("ArrayRecordComponent")
  record Arrival(byte[] key, byte[] envelope) {}

  /** The hand-off lists may still hold messages (a fetch failed or took only part of them). */
  void markPending() {
    pending.set(true);
  }

  /**
   * Blocks until a message arrived on one of {@code keys} (and was moved to its hand-off list), or {@code nanos}
   * passed. Returns whether a message arrived.
   *
   * @throws UnsupportedOperationException when Redis refuses BLMOVE (older than 6.2, or denied by an ACL): the
   *     caller polls instead
   * @throws JedisException when Redis is unreachable
   */
  boolean await(Collection<byte[]> keys, long nanos) throws InterruptedException {
    return await(keys, nanos, null);
  }

  /**
   * As {@link #await(Collection, long)}; the first message moved during the wait is offered to {@code direct} on
   * the watcher's thread, under this watch's lock (so it must not block), before the waiting thread wakes; one it
   * does not take is fetched from the hand-off list, which the move marked pending.
   */
  boolean await(Collection<byte[]> keys, long nanos, Consumer<Arrival> direct) throws InterruptedException {
    if (refused != null) {
      throw new UnsupportedOperationException(refused);
    }
    if (closed) {
      return false;
    }
    if (connections == null) {
      synchronized (this) {
        if (connections == null) {
          connections = RedisClients.openBlocking(endpoint, clientName);
        }
      }
    }
    Set<ByteBuffer> wanted = new HashSet<>();
    List<byte[]> all = new ArrayList<>(watchedKeys());
    for (byte[] key : keys) {
      ByteBuffer wrapped = ByteBuffer.wrap(key);
      wanted.add(wrapped);
      if (!watchers.containsKey(wrapped)) {
        all.add(key);
      }
    }
    if (all.size() > watchers.size()) {
      // Before the first BLMOVE into a new hand-off list: recovery must know every list a message can be in.
      registerHandoffs.accept(all);
    }
    long deadline = System.nanoTime() + nanos;
    synchronized (lock) {
      arrived = false;
      if (pending.get()) {
        // A watcher moved a message after the caller last took the flag (between its takePending and this wait):
        // fetch it now rather than a whole wait later.
        return true;
      }
      armed = wanted;
      armedUntil = deadline;
      handOver = direct;
      for (ByteBuffer key : wanted) {
        watchers.computeIfAbsent(key, this::startWatcher);
      }
      lock.notifyAll();
      try {
        while (!arrived && !closed) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(lock, left);
          } catch (InterruptedException e) {
            // The consumer stops (a worker's stop interrupts its fetch): no watcher may move anything after this.
            armed = Set.of();
            unblockAll();
            throw e;
          }
        }
        if (arrived) {
          return true;
        }
        armed = Set.of();
        // Timed out: the watchers' BLMOVE ends at the same deadline. Return once none blocks, so that nothing is
        // moved into a hand-off list while the consumer does not wait.
        long patience = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        while (!blocked.isEmpty() && !closed && !arrived) {
          long left = patience - System.nanoTime();
          if (left <= 0) {
            break;
          }
          TimeUnit.NANOSECONDS.timedWait(lock, Math.min(left, TimeUnit.MILLISECONDS.toNanos(5)));
        }
        if (!blocked.isEmpty() && !closed && !arrived) {
          // Redis ends timed-out blocks on its own clock (server hz), late under load: end the stragglers now.
          unblockAll();
        }
        return arrived;
      } finally {
        armed = Set.of();
        handOver = null;
      }
    }
  }

  /**
   * Ends every watcher's BLMOVE through {@link #control} and returns once none blocks (or after 500 ms): one that
   * was about to block when a first round went out is unblocked by the next.
   */
  private void unblockAll() {
    long patience = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
    while (!blocked.isEmpty() && System.nanoTime() < patience) {
      try {
        for (Long id : blocked.values()) {
          control.sendCommand(Protocol.Command.CLIENT, "UNBLOCK", Long.toString(id));
        }
      } catch (JedisException e) {
        log.debug("Could not unblock the waiting connections on {}: {}", endpoint, e.getMessage());
        return;
      }
      if (!blocked.isEmpty()) {
        try {
          lock.wait(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private Thread startWatcher(ByteBuffer key) {
    Thread thread = new Thread(() -> watch(key), "celeriac-redis-wait");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  // wrapped is a key of watchers, ByteBuffer.wrap of a whole key array: array() is exactly that key.
  @SuppressWarnings("ByteBufferBackingArray")
  private void watch(ByteBuffer wrapped) {
    byte[] key = wrapped.array();
    byte[] handoff = handoffKey.apply(key);
    Jedis jedis = null;
    long clientId = -1;
    long failures = 0;
    try {
      while (!closed) {
        double seconds;
        synchronized (lock) {
          while (!closed && !(armed.contains(wrapped) && armedUntil - System.nanoTime() > 1_000_000)) {
            try {
              lock.wait();
            } catch (InterruptedException e) {
              return;
            }
          }
          if (closed) {
            return;
          }
          seconds = (armedUntil - System.nanoTime()) / 1e9;
        }
        byte[] moved;
        try {
          if (jedis == null) {
            jedis = new Jedis(connections.getConnection());
            clientId = jedis.clientId();
          }
          blocked.put(wrapped, clientId);
          if (closed) {
            return;
          }
          // Announced as blocked first, then checked: a wait that ended since the check above either is seen
          // here, and nothing blocks, or sees this watcher in blocked and unblocks it, so no BLMOVE outlives it.
          boolean stillArmed;
          synchronized (lock) {
            stillArmed = armed.contains(wrapped) && armedUntil - System.nanoTime() > 1_000_000;
          }
          if (!stillArmed) {
            unblocked(wrapped);
            continue;
          }
          moved = jedis.blmove(key, handoff, ListDirection.RIGHT, ListDirection.LEFT, Math.max(0.001, seconds));
          failures = 0;
        } catch (JedisException e) {
          if (e instanceof JedisDataException && refusesCommand(e.getMessage())) {
            // Not a lost connection, a failover (UNBLOCKED), a restart (LOADING) or a full memory (OOM): Redis
            // refuses the command itself, and will the next time too.
            refused = "Redis refuses BLMOVE: " + e.getMessage();
            unblocked(wrapped);
            synchronized (lock) {
              arrived = true; // wakes the consumer, whose next wait throws
              lock.notifyAll();
            }
            return;
          }
          closeQuietly(jedis);
          jedis = null;
          if (closed) {
            return;
          }
          // Redis unreachable or failing over: the consumer's own fetch reports it; wait a little and retry.
          if (failures++ == 0) {
            log.debug("Waiting for messages on {} failed: {}", endpoint, e.getMessage());
          }
          unblocked(wrapped);
          sleepQuietly(Math.min(1000, 50 * failures));
          continue;
        }
        unblocked(wrapped);
        if (moved != null) {
          pending.set(true);
          synchronized (lock) {
            if (!armed.isEmpty()) {
              offer(new Arrival(key, moved));
            }
            arrived = true;
            armed = Set.of();
            lock.notifyAll();
          }
          unblockOthers(jedis, wrapped);
        }
      }
    } finally {
      blocked.remove(wrapped);
      closeQuietly(jedis);
    }
  }

  /** Offers {@code moved} to the current wait's {@link #handOver}, once; the caller holds {@link #lock}. */
  private void offer(Arrival moved) {
    Consumer<Arrival> taker = handOver;
    handOver = null;
    if (taker == null) {
      return;
    }
    try {
      taker.accept(moved);
    } catch (RuntimeException e) {
      // The move marked the hand-off lists pending: the next fetch takes it from there.
      log.warn("Could not hand a message over as it arrived; it is fetched instead", e);
    }
  }

  private void unblocked(ByteBuffer key) {
    blocked.remove(key);
    if (blocked.isEmpty()) {
      synchronized (lock) {
        lock.notifyAll();
      }
    }
  }

  /** Ends the BLMOVE of the other watchers, so that they move nothing more while the consumer is busy. */
  private void unblockOthers(Jedis jedis, ByteBuffer self) {
    try {
      for (Map.Entry<ByteBuffer, Long> other : blocked.entrySet()) {
        if (!other.getKey().equals(self)) {
          jedis.clientUnblock(other.getValue());
        }
      }
    } catch (JedisException e) {
      // They time out at the end of the wait by themselves.
      log.debug("Could not unblock the other waiting connections on {}: {}", endpoint, e.getMessage());
    }
  }

  /** An older Redis that lacks BLMOVE, or an ACL that forbids it: answers that last. */
  static boolean refusesCommand(String message) {
    return message != null && (message.startsWith("NOPERM") || message.contains("unknown command"));
  }

  private static void closeQuietly(Jedis jedis) {
    if (jedis != null) {
      try {
        jedis.close();
      } catch (RuntimeException e) {
        // closing a broken connection
      }
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops every watcher and returns once none is blocked any more: wakes those blocked with {@code CLIENT
   * UNBLOCK}, else waits out their block time.
   */
  void close() {
    closed = true;
    synchronized (lock) {
      lock.notifyAll();
    }
    synchronized (lock) {
      unblockAll();
    }
    for (Thread watcher : watchers.values()) {
      try {
        watcher.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    ConnectionProvider provider = connections;
    if (provider != null) {
      try {
        provider.close();
      } catch (Exception e) {
        log.debug("Closing the waiting connections to {}: {}", endpoint, e.getMessage());
      }
    }
  }
}
