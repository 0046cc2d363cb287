package dev.celeriac.it.redis.robustness;

import dev.celeriac.Extras;
import dev.celeriac.Task;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;

/**
 * The tasks of {@link ChordCrashTest}, run by worker JVMs: chord header members and the chord body, each recording
 * its runs in Redis (database 11), where the test counts them. The processor generates their stubs, with
 * {@code signature(...)}.
 */
public final class ChordCrashTasks {

  /** Hash: {@code <chord>:<member>} to how many times it ran. */
  static final String MEMBER_RUNS = "chord-crash:member-runs";
  /** Hash: chord number to how many times its body ran. */
  static final String BODY_RUNS = "chord-crash:body-runs";
  /** Hash: chord number to how many results its body got. */
  static final String BODY_RESULTS = "chord-crash:body-results";

  private ChordCrashTasks() {}

  @Task(name = "celeriac.it.chord_crash.member", queue = "chord-crash", maxRetries = 0)
  public static void member(int chord, int member, @Extras Map<String, Object> extras) throws InterruptedException {
    Db.REDIS.hincrBy(MEMBER_RUNS, chord + ":" + member, 1);
    Thread.sleep(30);
  }

  @Task(name = "celeriac.it.chord_crash.body", queue = "chord-crash", maxRetries = 0)
  public static void body(List<Long> results, int chord, @Extras Map<String, Object> extras) {
    Db.REDIS.hincrBy(BODY_RUNS, Integer.toString(chord), 1);
    Db.REDIS.hset(BODY_RESULTS, Integer.toString(chord), Integer.toString(results.size()));
  }

  private static final class Db {
    static final JedisPooled REDIS = new JedisPooled(
        new HostAndPort(RobustnessSupport.SHARED_HOST, RobustnessSupport.SHARED_PORT),
        DefaultJedisClientConfig.builder().database(RobustnessSupport.SHARED_DB).build());
  }
}
