package dev.celeriac.it.redis.sentinel;

import dev.celeriac.it.TestRuns;
import dev.celeriac.testsupport.Ports;
import dev.celeriac.testsupport.Waits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A Redis master, its replicas and the Sentinels that watch them, all {@code redis-server} children of this test
 * JVM on free ports of their own (never 6379, 6401-6408 or 26379), with a password on the data nodes and none on
 * the Sentinels, as kombu expects. Sentinels declare a master down after 1 s without an answer. Every process is
 * ended through its own handle, never by name.
 */
final class SentinelCluster implements AutoCloseable {

  static final String MASTER_NAME = "celeriac-it";
  static final String PASSWORD = "sentinel-it-pw";
  /** How long the Sentinels wait for a silent master before they agree it is down. */
  static final Duration DOWN_AFTER = Duration.ofSeconds(1);
  private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(5);
  private static final Set<Integer> TAKEN = Set.of(6379, 6401, 6402, 6403, 6404, 6405, 6406, 6407, 6408, 26379);

  /** One child process: a data node or a Sentinel. */
  private record Node(String name, int port, Process process, Path log) {}

  private final Path dir;
  private final List<Node> dataNodes = new ArrayList<>();
  private final List<Node> sentinels = new ArrayList<>();

  private SentinelCluster(Path dir) {
    this.dir = dir;
  }

  /**
   * Starts a master, {@code replicas} replicas of it and {@code sentinelCount} Sentinels (a quorum of a majority),
   * and returns once every Sentinel knows the master, its replicas and the other Sentinels.
   */
  static SentinelCluster start(Path dir, int replicas, int sentinelCount) throws IOException {
    SentinelCluster cluster = new SentinelCluster(dir);
    try {
      cluster.launch(replicas, sentinelCount);
      return cluster;
    } catch (RuntimeException | IOException | Error e) {
      cluster.close();
      throw e;
    }
  }

  private void launch(int replicas, int sentinelCount) throws IOException {
    Node master = startDataNode("master", List.of());
    for (int i = 1; i <= replicas; i++) {
      startDataNode("replica-" + i, List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
    }
    Waits.await(replicas + " replicas in sync with the master", Duration.ofSeconds(30),
        () -> onlineReplicas(master.port()) == replicas && acknowledgingReplicas(master.port(), replicas) == replicas,
        () -> info(master.port()));
    int quorum = sentinelCount / 2 + 1;
    for (int i = 1; i <= sentinelCount; i++) {
      startSentinel("sentinel-" + i, master.port(), quorum);
    }
    for (Node sentinel : sentinels) {
      Waits.await(sentinel.name() + " to know the master, " + replicas + " replicas and " + (sentinelCount - 1)
          + " other Sentinels", Duration.ofSeconds(30), () -> {
            Map<String, String> state = sentinelState(sentinel.port());
            return state != null && state.get("num-slaves").equals(Integer.toString(replicas))
                && state.get("num-other-sentinels").equals(Integer.toString(sentinelCount - 1));
          }, () -> sentinelState(sentinel.port()) + "\n" + TestRuns.tail(sentinel.log(), 10));
    }
  }

  /**
   * kombu's URL for these Sentinels: the password and the database on the first address, as a Celery
   * deployment writes them; no master name (Celery takes it from {@code broker_transport_options}).
   */
  String url(int database) {
    List<String> addresses = new ArrayList<>();
    for (Node sentinel : sentinels) {
      addresses.add("sentinel://" + (addresses.isEmpty() ? ":" + PASSWORD + "@" : "") + "127.0.0.1:" + sentinel.port()
          + "/" + database);
    }
    return String.join(";", addresses);
  }

  /** {@link #url(int)} with {@code ?master_name=}, as Celeriac also reads it. */
  String urlWithMasterName(int database) {
    return url(database) + "?master_name=" + MASTER_NAME;
  }

  /** The master's port as the first Sentinel that answers names it. */
  int masterPort() {
    for (Node sentinel : sentinels) {
      try (Jedis jedis = new Jedis("127.0.0.1", sentinel.port(), 1000)) {
        return Integer.parseInt(jedis.sentinelGetMasterAddrByName(MASTER_NAME).get(1));
      } catch (JedisException e) {
        // the next one
      }
    }
    throw new AssertionError("no Sentinel names the master");
  }

  /** A connection to database {@code database} of the current master. */
  Jedis master(int database) {
    Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", masterPort()),
        DefaultJedisClientConfig.builder().password(PASSWORD).database(database).timeoutMillis(5000).build());
    jedis.ping();
    return jedis;
  }

  /**
   * SIGKILL to the current master: {@link Process#destroyForcibly()} on a {@link ProcessBuilder} child is
   * {@code kill(pid, SIGKILL)} on Linux, reported as exit value 128 + 9 = 137, which is returned.
   */
  int killMaster() throws InterruptedException {
    int port = masterPort();
    Node master = dataNodes.stream().filter(node -> node.port() == port).findFirst().orElseThrow();
    master.process().destroyForcibly();
    if (!master.process().waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("redis-server pid " + master.process().pid() + " survived SIGKILL for 30 s");
    }
    return master.process().exitValue();
  }

  /** Waits until every Sentinel names a master other than the one on {@code oldPort}, and it answers as master. */
  void awaitFailover(int oldPort, Duration timeout) {
    Waits.await("the Sentinels to promote a replica", timeout, () -> {
      for (Node sentinel : sentinels) {
        try (Jedis jedis = new Jedis("127.0.0.1", sentinel.port(), 1000)) {
          if (Integer.parseInt(jedis.sentinelGetMasterAddrByName(MASTER_NAME).get(1)) == oldPort) {
            return false;
          }
        }
      }
      try (Jedis master = master(0)) {
        return master.info("replication").contains("role:master");
      } catch (JedisException e) {
        return false;
      }
    }, () -> sentinels.stream().map(s -> s.name() + ": " + TestRuns.tail(s.log(), 5))
        .collect(Collectors.joining("\n")));
  }

  /** A port nothing listens on right now, outside the ports other test runs and Redis itself use. */
  static int freePort() throws IOException {
    for (int attempt = 0; ; attempt++) {
      int port = Ports.free();
      if (!TAKEN.contains(port)) {
        return port;
      }
      if (attempt > 100) {
        throw new AssertionError("no free port outside " + TAKEN);
      }
    }
  }

  /** SIGTERM to every process this cluster started, by its handle; SIGKILL after 10 s. */
  @Override
  public void close() {
    List<Node> all = new ArrayList<>(sentinels);
    all.addAll(dataNodes);
    for (Node node : all) {
      node.process().destroy();
    }
    for (Node node : all) {
      try {
        if (!node.process().waitFor(10, TimeUnit.SECONDS)) {
          node.process().destroyForcibly();
          node.process().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Node startDataNode(String name, List<String> extraArgs) throws IOException {
    int port = freePort();
    Path nodeDir = Files.createDirectories(dir.resolve(name));
    List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", nodeDir.toString(),
        "--requirepass", PASSWORD, "--masterauth", PASSWORD, "--daemonize", "no", "--logfile", ""));
    command.addAll(extraArgs);
    return launch(dataNodes, name, port, command, () -> answersPing(port));
  }

  private Node startSentinel(String name, int masterPort, int quorum) throws IOException {
    int port = freePort();
    Path sentinelDir = Files.createDirectories(dir.resolve(name));
    // Sentinel rewrites its configuration file as it learns the cluster, so each one gets its own.
    Path conf = sentinelDir.resolve("sentinel.conf");
    Files.writeString(conf, String.join("\n",
        "port " + port,
        "bind 127.0.0.1",
        "daemonize no",
        "logfile \"\"",
        "dir " + sentinelDir,
        "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " " + quorum,
        "sentinel auth-pass " + MASTER_NAME + " " + PASSWORD,
        "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER.toMillis(),
        "sentinel failover-timeout " + MASTER_NAME + " " + FAILOVER_TIMEOUT.toMillis(),
        "sentinel parallel-syncs " + MASTER_NAME + " 2",
        ""));
    return launch(sentinels, name, port, List.of("redis-server", conf.toString(), "--sentinel"),
        () -> sentinelState(port) != null);
  }

  /** Starts a process, adds it to {@code into} (so that {@link #close()} ends it) and waits until it is {@code up}. */
  private Node launch(List<Node> into, String name, int port, List<String> command,
      java.util.function.BooleanSupplier up) {
    Path log = dir.resolve(name + ".log");
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    } catch (IOException e) {
      throw new AssertionError("cannot start redis-server (is it installed?): " + e, e);
    }
    Node node = new Node(name, port, process, log);
    into.add(node);
    Waits.await(name + " on port " + port + " to answer", Duration.ofSeconds(20), () -> {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + TestRuns.tail(log, 30));
      }
      return up.getAsBoolean();
    }, () -> TestRuns.tail(log, 10));
    return node;
  }

  private static boolean answersPing(int port) {
    try (Jedis jedis = dataNode(port, 500)) {
      return "PONG".equals(jedis.ping());
    } catch (JedisException e) {
      return false;
    }
  }

  private static long onlineReplicas(int masterPort) {
    return info(masterPort).lines().filter(line -> line.startsWith("slave") && line.contains("state=online")).count();
  }

  /**
   * How many replicas acknowledge a write within half a second ({@code WAIT} returns at {@code wanted}).
   * "state=online" is not enough for a test that enqueues with {@code redis.min-replica-acks}: after a diskless sync
   * the master counts a replica in {@code WAIT} only from the replica's first {@code REPLCONF ACK}, up to a second
   * later (as ReplicaAcksTest found).
   */
  private static long acknowledgingReplicas(int masterPort, int wanted) {
    try (Jedis jedis = dataNode(masterPort, 2000)) {
      jedis.set("celeriac-test:sync-probe", "1");
      return jedis.waitReplicas(wanted, 500);
    } catch (JedisException e) {
      return -1;
    }
  }

  /** A connection to a master or replica of this cluster (they require {@link #PASSWORD}). */
  private static Jedis dataNode(int port, int timeoutMillis) {
    return new Jedis(new HostAndPort("127.0.0.1", port),
        DefaultJedisClientConfig.builder().password(PASSWORD).timeoutMillis(timeoutMillis).build());
  }

  private static String info(int port) {
    try (Jedis jedis = dataNode(port, 1000)) {
      return jedis.info("replication");
    } catch (JedisException e) {
      return "(no answer: " + e.getMessage() + ")";
    }
  }

  /** What a Sentinel knows of the master ({@code SENTINEL MASTER}), or null while it does not answer. */
  private static Map<String, String> sentinelState(int port) {
    try (Jedis jedis = new Jedis("127.0.0.1", port, 1000)) {
      return jedis.sentinelMaster(MASTER_NAME);
    } catch (JedisException e) {
      return null;
    }
  }
}
