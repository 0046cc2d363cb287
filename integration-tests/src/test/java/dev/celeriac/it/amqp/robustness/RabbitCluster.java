package dev.celeriac.it.amqp.robustness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A RabbitMQ cluster of {@link PrivateRabbit} nodes, children of the test, on their own ports and node names
 * ({@code celeriac-c<i>-<pid>@localhost}), never the shared node. The nodes share an Erlang cookie, written under
 * the cluster's directory, and form the cluster by RabbitMQ's classic peer discovery: the first node starts alone,
 * then the others start and join it. {@link #close()} stops every node this test started, by its process.
 *
 * <p>The nodes resend an unconfirmed at-least-once dead letter after {@link #DEAD_LETTER_RESEND} instead of
 * RabbitMQ's 3 minutes ({@code dead_letter_worker_publisher_confirm_timeout}): RabbitMQ 3.10's dead-letter worker
 * of a quorum queue whose leader moved can keep sending to the lost leader of its target until that resend, which
 * holds up the delay levels (see docs/rabbitmq-clusters.md).
 */
final class RabbitCluster implements AutoCloseable {

  static final Duration DEAD_LETTER_RESEND = Duration.ofSeconds(5);

  private final List<PrivateRabbit> nodes;

  private RabbitCluster(List<PrivateRabbit> nodes) {
    this.nodes = nodes;
  }

  /** Starts {@code size} nodes under {@code dir} and returns once all of them run as one cluster. */
  static RabbitCluster start(Path dir, int size) throws IOException {
    Path home = Files.createDirectories(dir.resolve("home"));
    Path cookie = home.resolve(".erlang.cookie");
    Files.writeString(cookie, UUID.randomUUID().toString().replace("-", "").toUpperCase(Locale.ROOT),
        StandardCharsets.US_ASCII);
    // Erlang refuses a cookie file others may read.
    Files.setPosixFilePermissions(cookie, PosixFilePermissions.fromString("r--------"));
    long pid = ProcessHandle.current().pid();
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      names.add("celeriac-c" + i + "-" + pid + "@localhost");
    }
    String discovery = "cluster_formation.peer_discovery_backend = classic_config\n"
        + "cluster_formation.classic_config.nodes.1 = " + names.get(0) + "\n";
    List<PrivateRabbit> nodes = new ArrayList<>();
    RabbitCluster cluster = new RabbitCluster(nodes);
    try {
      for (int i = 0; i < size; i++) {
        nodes.add(PrivateRabbit.create(dir.resolve("node" + (i + 1)), names.get(i), home, discovery,
            "[{rabbit, [{dead_letter_worker_publisher_confirm_timeout, " + DEAD_LETTER_RESEND.toMillis() + "}]}].\n"));
      }
      nodes.get(0).start();
      for (PrivateRabbit node : nodes.subList(1, size)) {
        node.launch();
      }
      for (PrivateRabbit node : nodes.subList(1, size)) {
        node.awaitLogin();
      }
      String running = cluster.runningNodes();
      for (String name : names) {
        if (!running.contains(name)) {
          throw new AssertionError("node " + name + " did not join the cluster; running: " + running);
        }
      }
      return cluster;
    } catch (IOException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  List<PrivateRabbit> nodes() {
    return nodes;
  }

  /** kombu's failover list of every node, in order, on the vhost {@code /}. */
  String url() {
    return nodes.stream().map(node -> "amqp://guest:guest@127.0.0.1:" + node.port + "//")
        .collect(Collectors.joining(";"));
  }

  /** The nodes running as the cluster, as a running node sees them. */
  String runningNodes() {
    return anyRunning().ctl("eval", "rabbit_nodes:all_running().");
  }

  /** Each queue of the vhost {@code /} and the node of its leader (quorum queues, streams) or home (classic). */
  Map<String, String> leaders() {
    Map<String, String> leaders = new LinkedHashMap<>();
    for (String line : anyRunning().ctl("list_queues", "name", "leader", "--no-table-headers").split("\n", -1)) {
      String[] columns = line.trim().split("\\s+", -1);
      if (columns.length == 2) {
        leaders.put(columns[0], columns[1]);
      }
    }
    return leaders;
  }

  /** Every quorum queue of the cluster, as {@link PrivateRabbit#quorumQueues()} describes them on a running node. */
  String quorumQueues() {
    return anyRunning().quorumQueues();
  }

  /** The node named {@code name}. */
  PrivateRabbit node(String name) {
    return nodes.stream().filter(node -> node.node.equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no node " + name + " in " + nodes.stream().map(n -> n.node).toList()));
  }

  private PrivateRabbit anyRunning() {
    return nodes.stream().filter(PrivateRabbit::running).findFirst()
        .orElseThrow(() -> new AssertionError("no node of the cluster is running"));
  }

  /** Stops every node this test started that still runs (see {@link PrivateRabbit#close()}). */
  @Override
  public void close() {
    for (PrivateRabbit node : nodes) {
      node.close();
    }
  }
}
