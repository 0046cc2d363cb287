package dev.celeriac.events;

import dev.celeriac.broker.EventPublisher;
import dev.celeriac.protocol.Json;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Celery events as Celery's {@code EventDispatcher} does. Every event carries {@code hostname},
 * {@code utcoffset} (hours west of UTC), {@code pid}, {@code clock} (the Lamport clock, forwarded per event),
 * its own fields, {@code timestamp} (epoch seconds) and {@code type}, in that order; the routing key is the type
 * with {@code -} as {@code .}. Worker events go out at once, one object per message; task events are buffered
 * and sent as JSON arrays of up to {@value #BATCH} under the routing key {@code task.multi}, as a Celery worker
 * running its event loop does, by a thread of the dispatcher's, so that a task never waits for the broker. Task
 * events are sent only while enabled (Celery's {@code -E} and {@code enable_events}). An event the broker did not
 * take is logged and dropped: events are a view, never worth stopping a task for. Thread-safe.
 */
public final class EventDispatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

  /** Task events per {@code task.multi} message: Celery's {@code buffer_limit}. */
  public static final int BATCH = 24;
  /** Task events waiting to be sent at most; more are dropped, with a warning. */
  static final int MAX_PENDING = 100_000;
  private static final long PID = ProcessHandle.current().pid();
  private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final EventPublisher publisher;
  private final String hostname;
  private final LamportClock clock;
  private final AtomicBoolean taskEvents;
  private final LinkedBlockingQueue<Map<String, Object>> pending = new LinkedBlockingQueue<>(MAX_PENDING);
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);
  private final Object starting = new Object();
  private volatile Thread sender;
  private volatile boolean closed;

  /**
   * @param hostname the sender's node name: the worker's, or {@code gen<pid>@<host>} for a producer
   * @param clock the clock of the worker or app, forwarded by every event
   * @param taskEvents whether task events are sent from the start
   */
  public EventDispatcher(EventPublisher publisher, String hostname, LamportClock clock, boolean taskEvents) {
    this.publisher = publisher;
    this.hostname = hostname;
    this.clock = clock;
    this.taskEvents = new AtomicBoolean(taskEvents);
  }

  public String hostname() {
    return hostname;
  }

  public LamportClock clock() {
    return clock;
  }

  public boolean taskEventsEnabled() {
    return taskEvents.get();
  }

  /** Turns task events on; returns false when they were on already. */
  public boolean enableTaskEvents() {
    return taskEvents.compareAndSet(false, true);
  }

  /** Turns task events off; returns false when they were off already. */
  public boolean disableTaskEvents() {
    return taskEvents.compareAndSet(true, false);
  }

  /** Sends one event now, on this thread, as a single object under its own routing key. */
  public void send(String type, Map<String, Object> fields) {
    Map<String, Object> event = event(type, fields);
    publish(type.replace('-', '.'), Json.write(event));
  }

  /** Queues a task event ({@code task-…}) for the next {@code task.multi} batch; ignored while task events are off. */
  public void sendTask(String type, Map<String, Object> fields) {
    if (!taskEvents.get() || closed) {
      return;
    }
    if (!pending.offer(event(type, fields))) {
      dropped.incrementAndGet();
      warn("{} task events dropped: the broker takes them more slowly than tasks run", null);
      return;
    }
    if (sender == null) {
      startSender();
    }
  }

  /** Sends the task events still waiting, then stops the sending thread. */
  @Override
  public void close() {
    closed = true;
    Thread thread = sender;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Map<String, Object> event(String type, Map<String, Object> fields) {
    Map<String, Object> event = new LinkedHashMap<>(fields.size() + 8);
    event.put("hostname", hostname);
    event.put("utcoffset", utcoffset());
    event.put("pid", PID);
    event.put("clock", clock.forward());
    event.putAll(fields);
    event.put("timestamp", epochSeconds(Instant.now()));
    event.put("type", type);
    return event;
  }

  private void startSender() {
    synchronized (starting) {
      if (sender == null && !closed) {
        Thread thread = new Thread(this::sendLoop, "celeriac-events");
        thread.setDaemon(true);
        thread.start();
        sender = thread;
      }
    }
  }

  private void sendLoop() {
    List<Map<String, Object>> batch = new ArrayList<>(BATCH);
    while (true) {
      try {
        Map<String, Object> first = closed ? pending.poll() : pending.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          if (closed) {
            return;
          }
          continue;
        }
        batch.add(first);
        pending.drainTo(batch, BATCH - 1);
        publish("task.multi", Json.write(batch));
        batch.clear();
      } catch (InterruptedException e) {
        // close(): send what is left, then stop.
        closed = true;
      }
    }
  }

  private void publish(String routingKey, byte[] body) {
    try {
      publisher.publish(routingKey, body, hostname);
    } catch (RuntimeException e) {
      dropped.incrementAndGet();
      warn("{} events not sent; the last failure: " + e.getMessage(), e);
    }
  }

  /** Warns at most every ten seconds, counting what happened in between. */
  private void warn(String message, Throwable cause) {
    long now = System.nanoTime();
    long last = lastWarning.get();
    if (now - last >= WARN_INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
      log.warn(message, dropped.getAndSet(0));
      if (cause != null) {
        log.debug("Sending an event failed", cause);
      }
    }
  }

  /** Python's {@code time.time()}: epoch seconds as a float. */
  public static BigDecimal epochSeconds(Instant instant) {
    return BigDecimal.valueOf(instant.getEpochSecond() + instant.getNano() / 1e9);
  }

  /** Celery's {@code utcoffset()}: whole hours west of UTC (so UTC+2 is -2), daylight saving included. */
  static int utcoffset() {
    int eastSeconds = ZoneId.systemDefault().getRules().getOffset(Instant.now()).getTotalSeconds();
    return Math.floorDiv(-eastSeconds, 3600);
  }
}
