package dev.celeriac.events;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * A worker's presence in the event stream, as Celery's {@code Heart}: {@code worker-online} when it starts, a
 * {@code worker-heartbeat} every {@link #DEFAULT_INTERVAL} and {@code worker-offline} when it stops, each with
 * {@code freq}, {@code active}, {@code processed}, {@code loadavg} and the software fields. Monitors count a
 * worker as gone after two missed intervals.
 */
public final class Heart implements AutoCloseable {

  /** Celery's heartbeat interval. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
  /** What Celery sends as {@code freq} for a heartbeat asked for by the {@code heartbeat} command: an int. */
  public static final int ON_DEMAND_FREQ = 5;

  /** The runtime's version, from a resource the build fills in. */
  private static final String VERSION = version();

  private final EventDispatcher events;
  private final Duration interval;
  private final IntSupplier active;
  private final LongSupplier processed;
  private ScheduledExecutorService timer;

  /**
   * @param active how many tasks run now
   * @param processed how many tasks the worker started so far
   */
  public Heart(EventDispatcher events, Duration interval, IntSupplier active, LongSupplier processed) {
    this.events = events;
    this.interval = interval;
    this.active = active;
    this.processed = processed;
  }

  /** Sends {@code worker-online}, then a heartbeat every interval. */
  public synchronized void start() {
    if (timer != null) {
      throw new IllegalStateException("heart already started");
    }
    events.send("worker-online", fields());
    timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "celeriac-heartbeat");
      thread.setDaemon(true);
      return thread;
    });
    long millis = interval.toMillis();
    // Nothing to wait for: send logs its own failures, so no run throws and the schedule ends only at close.
    ScheduledFuture<?> unused =
        timer.scheduleAtFixedRate(() -> events.send("worker-heartbeat", fields()), millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Stops the heartbeats and sends {@code worker-offline}. */
  @Override
  public synchronized void close() {
    if (timer == null) {
      return;
    }
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timer = null;
    events.send("worker-offline", fields());
  }

  private Map<String, Object> fields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("freq", BigDecimal.valueOf(interval.toMillis() / 1000.0));
    fields.put("active", active.getAsInt());
    fields.put("processed", processed.getAsLong());
    fields.put("loadavg", loadAverage());
    fields.putAll(software());
    return fields;
  }

  /** Celery's {@code SOFTWARE_INFO}: who sends, in which version, on which system. */
  public static Map<String, Object> software() {
    Map<String, Object> software = new LinkedHashMap<>();
    software.put("sw_ident", "celeriac");
    software.put("sw_ver", VERSION);
    software.put("sw_sys", System.getProperty("os.name"));
    return software;
  }

  private static String version() {
    java.util.Properties properties = new java.util.Properties();
    try (java.io.InputStream in = Heart.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (java.io.IOException e) {
      // unknown then
    }
    return properties.getProperty("version", "unknown");
  }

  /**
   * The 1, 5 and 15 minute load averages rounded up to two decimals, as Celery's {@code load_average()}; where
   * {@code /proc/loadavg} is missing, the JVM's one-minute figure three times.
   */
  static List<BigDecimal> loadAverage() {
    List<BigDecimal> loads = new ArrayList<>(3);
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim().split("\\s+", -1);
      for (int i = 0; i < 3; i++) {
        loads.add(new BigDecimal(parts[i]).setScale(2, RoundingMode.CEILING));
      }
      return loads;
    } catch (java.io.IOException | RuntimeException e) {
      double load = Math.max(0, java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      BigDecimal rounded = BigDecimal.valueOf(load).setScale(2, RoundingMode.CEILING);
      return List.of(rounded, rounded, rounded);
    }
  }
}
