package dev.celeriac.it.redis.robustness;

import dev.celeriac.Extras;
import dev.celeriac.Task;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;

/**
 * The tasks of the robustness tests. The processor generates {@code CrashRunTask}, {@code RestartRunTask}
 * and {@code CountdownRunTask} from them, and an index through which a {@code run worker} child JVM on
 * this class path finds them.
 */
public final class RobustnessTasks {

  /** Hash in database 11 of the shared Redis: task number → how many times it ran. */
  static final String CRASH_RUNS = "crash:runs";

  /** Sequence number → runs, for the in-process worker of {@link BrokerRestartTest}. */
  static final Map<Long, AtomicInteger> RESTART_RUNS = new ConcurrentHashMap<>();

  /** When each run of {@link #countdownRun} started, for {@link LongCountdownTest}. */
  static final List<Instant> COUNTDOWN_RUNS = new CopyOnWriteArrayList<>();

  private RobustnessTasks() {}

  /** Runs in a separate worker JVM: records each run in Redis, where the test (another JVM) counts them. */
  @Task(name = "celeriac.it.robustness.crash_run", queue = "crash")
  public static void crashRun(int i, @Extras Map<String, Object> extras) {
    CrashDb.REDIS.hincrBy(CRASH_RUNS, Integer.toString(i), 1);
  }

  @Task(name = "celeriac.it.robustness.restart_run", queue = "restart")
  public static void restartRun(long seq, @Extras Map<String, Object> extras) {
    RESTART_RUNS.computeIfAbsent(seq, k -> new AtomicInteger()).incrementAndGet();
  }

  @Task(name = "celeriac.it.robustness.countdown_run", queue = "countdown")
  public static void countdownRun(String label, @Extras Map<String, Object> extras) {
    COUNTDOWN_RUNS.add(Instant.now());
  }

  /** A small pool to database 11 of the shared Redis, opened on first use. */
  private static final class CrashDb {
    static final JedisPooled REDIS = new JedisPooled(
        new HostAndPort(RobustnessSupport.SHARED_HOST, RobustnessSupport.SHARED_PORT),
        DefaultJedisClientConfig.builder().database(RobustnessSupport.SHARED_DB).build());
  }
}
