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
  /** {@code task.multi} messages sent in one go at most, when events wait: one round trip on Redis. */
  static final int BURST = 16;
  /** Task events waiting to be sent at most; more are dropped, with a warning. */
  static final int MAX_PENDING = 100_000;
  private static final long PID = ProcessHandle.current().pid();
  private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final EventPublisher publisher;
  private final String hostname;
  private final LamportClock clock;
  private final AtomicBoolean taskEvents;
  /** Task events written as JSON objects, waiting for the sending thread. */
  private final LinkedBlockingQueue<byte[]> pending = new LinkedBlockingQueue<>(MAX_PENDING);
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

  /**
   * A task event ({@code task-…}) to fill in with its fields and {@link TaskEvent#send() send}: queued for the next
   * {@code task.multi} batch, and ignored while task events are off. It is written as JSON at once, so that what
   * waits for the sending thread is one small array per event, not a map of objects.
   */
  public TaskEvent task(String type) {
    Json.ObjectWriter event = new Json.ObjectWriter(320)
        .field("hostname", hostname)
        .field("utcoffset", utcoffset())
        .field("pid", PID)
        .field("clock", clock.forward());
    return new TaskEvent(this, type, event);
  }

  /** One task event being filled in: its fields follow the common ones, in the order they are put. */
  public static final class TaskEvent {
    private final EventDispatcher dispatcher;
    private final String type;
    private final Json.ObjectWriter event;

    private TaskEvent(EventDispatcher dispatcher, String type, Json.ObjectWriter event) {
      this.dispatcher = dispatcher;
      this.type = type;
      this.event = event;
    }

    public TaskEvent put(String name, Object value) {
      event.field(name, value);
      return this;
    }

    /** Queues the event for the next batch. */
    public void send() {
      dispatcher.queue(event.field("timestamp", epochSeconds(Instant.now())).field("type", type).end());
    }
  }

  private void queue(byte[] event) {
    if (!taskEvents.get() || closed) {
      return;
    }
    if (!pending.offer(event)) {
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
    Map<String, Object> event = new LinkedHashMap<>((6 + fields.size()) * 4 / 3 + 1);
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
    List<byte[]> waiting = new ArrayList<>(BATCH * BURST);
    List<byte[]> messages = new ArrayList<>(BURST);
    while (true) {
      try {
        byte[] first = closed ? pending.poll() : pending.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          if (closed) {
            return;
          }
          continue;
        }
        waiting.add(first);
        pending.drainTo(waiting, BATCH * BURST - 1);
        for (int start = 0; start < waiting.size(); start += BATCH) {
          messages.add(array(waiting.subList(start, Math.min(waiting.size(), start + BATCH))));
        }
        publish("task.multi", messages);
        waiting.clear();
        messages.clear();
      } catch (InterruptedException e) {
        // close(): send what is left, then stop.
        closed = true;
      }
    }
  }

  /** The JSON array of events already written as JSON. */
  private static byte[] array(List<byte[]> events) {
    int length = events.size() + 1;
    for (byte[] event : events) {
      length += event.length;
    }
    byte[] out = new byte[length];
    out[0] = '[';
    int at = 1;
    for (byte[] event : events) {
      System.arraycopy(event, 0, out, at, event.length);
      at += event.length;
      out[at++] = ',';
    }
    out[length - 1] = ']';
    return out;
  }

  private void publish(String routingKey, byte[] body) {
    try {
      publisher.publish(routingKey, body, hostname);
    } catch (RuntimeException e) {
      dropped.incrementAndGet();
      warn("{} events not sent; the last failure: " + e.getMessage(), e);
    }
  }

  private void publish(String routingKey, List<byte[]> bodies) {
    try {
      publisher.publishAll(routingKey, bodies, hostname);
    } catch (RuntimeException e) {
      dropped.addAndGet(bodies.size());
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

  /** Python's {@code time.time()}: epoch seconds as a float, to the microsecond. */
  public static BigDecimal epochSeconds(Instant instant) {
    return BigDecimal.valueOf(instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000, 6);
  }

  /**
   * Celery's {@code utcoffset()}: whole hours west of UTC (so UTC+2 is -2), daylight saving included. Looked up
   * once a minute: every event carries it.
   */
  static int utcoffset() {
    long minute = System.currentTimeMillis() / 60_000;
    Offset cached = offset;
    if (cached == null || cached.minute != minute) {
      int eastSeconds = ZoneId.systemDefault().getRules().getOffset(Instant.now()).getTotalSeconds();
      cached = new Offset(minute, Math.floorDiv(-eastSeconds, 3600));
      offset = cached;
    }
    return cached.hoursWest;
  }

  private record Offset(long minute, int hoursWest) {}

  private static volatile Offset offset;
}
