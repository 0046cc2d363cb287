package dev.celeriac.it.amqp.robustness;

import dev.celeriac.Extras;
import dev.celeriac.Task;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tasks of the RabbitMQ robustness tests. The processor generates {@code AmqpCrashRunTask},
 * {@code AmqpRestartRunTask}, {@code AmqpLevelCrashRunTask}, {@code AmqpDropRunTask} and {@code AmqpClusterRunTask},
 * and an index through which a {@code run worker} child JVM on this class path finds them.
 */
public final class AmqpRobustnessTasks {

  /** The environment variable naming the file {@link #amqpCrashRun} appends to. */
  static final String RUN_LOG_ENV = "CELERIAC_IT_RUN_LOG";

  /** Sequence number → when each of its runs started ({@link System#nanoTime()}), for {@link AmqpBrokerRestartTest}. */
  static final Map<Long, List<Long>> RESTART_RUNS = new ConcurrentHashMap<>();

  /** Sequence number → when each of its runs started ({@link System#nanoTime()}), for {@link AmqpDelayLevelCrashTest}. */
  static final Map<Long, List<Long>> LEVEL_CRASH_RUNS = new ConcurrentHashMap<>();

  /** Sequence number → when each of its runs started ({@link System#nanoTime()}), for {@link AmqpClusterFailoverTest}. */
  static final Map<Long, List<Long>> CLUSTER_RUNS = new ConcurrentHashMap<>();

  /** Sequence number → how many times it ran, for {@link AmqpConnectionDropTest}. */
  static final Map<Long, AtomicInteger> DROP_RUNS = new ConcurrentHashMap<>();

  private AmqpRobustnessTasks() {}

  /**
   * Runs in a worker JVM that the test SIGKILLs: appends {@code "<i> <pid>"} to the run log with one
   * {@code write(2)} in append mode, which the kernel keeps when the process dies right after.
   */
  @Task(name = "celeriac.it.amqp.crash_run", queue = "amqp-crash")
  public static void amqpCrashRun(int i, @Extras Map<String, Object> extras) {
    RunLogFile.append(i);
  }

  @Task(name = "celeriac.it.amqp.restart_run", queue = "amqp-restart")
  public static void amqpRestartRun(long seq, @Extras Map<String, Object> extras) {
    RESTART_RUNS.computeIfAbsent(seq, k -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
  }

  @Task(name = "celeriac.it.amqp.level_crash_run", queue = "amqp-level-crash")
  public static void amqpLevelCrashRun(long seq, @Extras Map<String, Object> extras) {
    LEVEL_CRASH_RUNS.computeIfAbsent(seq, k -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
  }

  @Task(name = "celeriac.it.amqp.cluster_run", queue = "amqp-cluster-a")
  public static void amqpClusterRun(long seq, @Extras Map<String, Object> extras) {
    CLUSTER_RUNS.computeIfAbsent(seq, k -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
  }

  /** Counts its run, then takes {@code millis}: long enough to be running when the test drops the connection. */
  @Task(name = "celeriac.it.amqp.drop_run", queue = "amqp-drop")
  public static void amqpDropRun(long seq, int millis, @Extras Map<String, Object> extras)
      throws InterruptedException {
    DROP_RUNS.computeIfAbsent(seq, k -> new AtomicInteger()).incrementAndGet();
    Thread.sleep(millis);
  }

  /** The run log of this process, opened on first use. */
  private static final class RunLogFile {
    private static final long PID = ProcessHandle.current().pid();
    private static final FileChannel FILE = open();

    private static FileChannel open() {
      String path = System.getenv(RUN_LOG_ENV);
      if (path == null) {
        throw new IllegalStateException(RUN_LOG_ENV + " is not set: amqpCrashRun runs only under AmqpCrashTest");
      }
      try {
        return FileChannel.open(Path.of(path), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static void append(int i) {
      try {
        FILE.write(ByteBuffer.wrap((i + " " + PID + "\n").getBytes(StandardCharsets.US_ASCII)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
