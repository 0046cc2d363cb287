package dev.celeriac.it.amqp.robustness;

import com.rabbitmq.client.ConnectionFactory;
import dev.celeriac.it.TestRuns;
import dev.celeriac.testsupport.Ports;
import dev.celeriac.testsupport.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A RabbitMQ node of its own, a child of the test: own node name, AMQP and distribution ports, and data, log,
 * config and plugin files under the test's run directory, so that it never touches the shared node
 * {@code rabbit@localhost} on 5672. No plugins (an empty enabled-plugins file); its Erlang cookie is its own,
 * under its directory, or that of its cluster ({@link RabbitCluster}) (nothing stops it with {@code rabbitmqctl};
 * the test uses that cookie only to read the state of its queues). {@link #stop()} is a graceful
 * stop by the pid this test started: the {@code rabbitmq-server} script turns SIGTERM into a stop of its
 * Erlang VM and waits for it; durable queues and persistent messages survive into the next
 * {@link #start()} on the same directory.
 */
final class PrivateRabbit implements AutoCloseable {

  /** The server script itself: {@code /usr/sbin/rabbitmq-server} would switch to the rabbitmq user. */
  private static final String SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server";
  private static final String CTL = "/usr/lib/rabbitmq/bin/rabbitmqctl";

  /** Erlang for {@code rabbitmqctl eval}: one line per quorum queue, see {@link #quorumQueues()}. */
  private static final String QUORUM_QUEUES = """
      lists:foreach(fun(Q) ->
          {resource, VHost, queue, Name} = amqqueue:get_name(Q),
          [{messages_ready, Ready}, {messages_dlx, Dlx}] = rabbit_amqqueue:info(Q, [messages_ready, messages_dlx]),
          Member = case rabbit_quorum_queue:status(VHost, Name) of
              [Status | _] -> {proplists:get_value(<<"Raft State">>, Status), proplists:get_value(<<"Term">>, Status)};
              Other -> Other
            end,
          io:format("~s: ~w ready, ~w dead-lettered and not yet confirmed onwards, member ~w~n",
              [Name, Ready, Dlx, Member])
        end, [Q || Q <- rabbit_amqqueue:list(), amqqueue:get_type(Q) =:= rabbit_quorum_queue]).
      """;
  private static final Pattern REGISTERED = Pattern.compile("'quorum_queues' running pre init for (\\d+) registered");
  private static final Pattern RECOVERED = Pattern.compile("Recovering (\\d+) queues of type rabbit_quorum_queue");

  final String node;
  final int port;
  final int distPort;
  final Path dir;
  /** {@code HOME} of the node and of {@code rabbitmqctl}: where the Erlang cookie is. */
  private final Path home;
  private Process process;
  private int starts;

  private PrivateRabbit(String node, int port, int distPort, Path dir, Path home) {
    this.node = node;
    this.port = port;
    this.distPort = distPort;
    this.dir = dir;
    this.home = home;
  }

  /** Creates the node's files under {@code dir} and starts it; returns once it accepts AMQP logins. */
  static PrivateRabbit start(Path dir) throws IOException {
    PrivateRabbit rabbit = create(dir, "celeriac-it-" + ProcessHandle.current().pid() + "@localhost", dir, "", null);
    rabbit.start();
    return rabbit;
  }

  /**
   * Creates the files of node {@code node} under {@code dir}, on free ports, without starting it: its Erlang cookie
   * is under {@code home}, {@code config} is added to its {@code rabbitmq.conf}, and {@code advanced} (Erlang terms),
   * if not null, is its {@code advanced.config}.
   */
  static PrivateRabbit create(Path dir, String node, Path home, String config, String advanced) throws IOException {
    int port = Ports.free();
    int distPort = Ports.free();
    while (distPort == port) {
      distPort = Ports.free();
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("rabbitmq.conf"), "listeners.tcp.default = 127.0.0.1:" + port + "\n" + config,
        StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("enabled_plugins"), "[].\n", StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("rabbitmq-env.conf"), "", StandardCharsets.UTF_8);
    if (advanced != null) {
      Files.writeString(dir.resolve("advanced.config"), advanced, StandardCharsets.UTF_8);
    }
    return new PrivateRabbit(node, port, distPort, dir, home);
  }

  /** The broker URL of its default vhost, as Celery writes it. */
  String url() {
    return "amqp://guest:guest@127.0.0.1:" + port + "//";
  }

  Path log() {
    return dir.resolve("server.log");
  }

  /** The node's own log, where RabbitMQ writes what it recovered at each start. */
  Path nodeLog() {
    return dir.resolve("log").resolve(node + ".log");
  }

  /**
   * Every quorum queue of the running node, one line each: its ready messages, the messages it dead-lettered
   * that the queue they move on to has not confirmed yet (RabbitMQ keeps those in the source queue, where
   * {@code queue.declare} does not count them), and the Raft state and term of its member. A member that
   * RabbitMQ lost track of and started afresh stays a follower in term 0, without a leader.
   */
  String quorumQueues() {
    return ctl("eval", QUORUM_QUEUES).replaceAll("\\s*ok\\s*$", "");
  }

  /** One start of the node: how many Raft members RabbitMQ found registered, for how many quorum queues. */
  record QuorumRecovery(int start, int registered, int queues) {
    @Override
    public String toString() {
      return "start " + start + ": " + registered + " Raft members registered for " + queues + " quorum queues";
    }
  }

  /**
   * For each start of the node, from its log: how many quorum queues RabbitMQ recovered from its metadata, and
   * for how many of them it found its Raft member registered. Fewer registrations than queues: a queue created
   * moments before a crash came back without its member (see {@link AmqpDelayLevelCrashTest}).
   */
  List<QuorumRecovery> quorumRecoveries() {
    List<Integer> registered = new ArrayList<>();
    List<Integer> recovered = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(nodeLog(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the node log " + nodeLog(), e);
    }
    for (String line : lines) {
      Matcher match = REGISTERED.matcher(line);
      if (match.find()) {
        registered.add(Integer.parseInt(match.group(1)));
      }
      match = RECOVERED.matcher(line);
      if (match.find()) {
        recovered.add(Integer.parseInt(match.group(1)));
      }
    }
    List<QuorumRecovery> starts = new ArrayList<>();
    for (int i = 0; i < Math.min(registered.size(), recovered.size()); i++) {
      starts.add(new QuorumRecovery(i + 1, registered.get(i), recovered.get(i)));
    }
    return starts;
  }

  /** Runs {@code rabbitmqctl} against this node, with its cookie; returns what it printed. */
  String ctl(String... arguments) {
    List<String> command = new ArrayList<>(List.of(CTL, "-n", node, "-q"));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("HOME", home.toString());
    builder.environment().put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString());
    try {
      Process ctl = builder.start();
      byte[] output = ctl.getInputStream().readAllBytes();
      if (!ctl.waitFor(60, TimeUnit.SECONDS)) {
        ctl.destroyForcibly();
        return "(rabbitmqctl did not answer within 60 s)";
      }
      return new String(output, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "(cannot run " + CTL + ": " + e + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }

  /** Starts the node on its ports and directory and waits until it accepts an AMQP login. */
  void start() throws IOException {
    launch();
    awaitLogin();
  }

  /** Starts the node's process, without waiting for it. */
  void launch() throws IOException {
    starts++;
    ProcessBuilder builder = new ProcessBuilder(List.of(SERVER)).directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
    Map<String, String> env = builder.environment();
    // The Erlang cookie is $HOME/.erlang.cookie: this node's own, beside its files, or its cluster's.
    env.put("HOME", home.toString());
    env.put("RABBITMQ_NODENAME", node);
    env.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
    env.put("RABBITMQ_NODE_PORT", Integer.toString(port));
    env.put("RABBITMQ_DIST_PORT", Integer.toString(distPort));
    env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
    env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
    env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
    env.put("RABBITMQ_ADVANCED_CONFIG_FILE", dir.resolve("advanced.config").toString());
    env.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString());
    env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
    env.put("RABBITMQ_PLUGINS_EXPAND_DIR", dir.resolve("plugins-expand").toString());
    env.put("RABBITMQ_PID_FILE", dir.resolve("rabbitmq.pid").toString());
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new AssertionError("cannot start " + SERVER + " (is rabbitmq-server installed?): " + e, e);
    }
  }

  /** Waits until the node started by {@link #launch()} accepts an AMQP login. */
  void awaitLogin() {
    Waits.await("private RabbitMQ node " + node + " on port " + port + " (start " + starts + ") to accept a login",
        Duration.ofSeconds(90), () -> {
          if (!process.isAlive()) {
            throw new AssertionError("rabbitmq-server exited with " + process.exitValue() + ":\n"
                + TestRuns.tail(log(), 40));
          }
          return acceptsLogin();
        }, () -> TestRuns.tail(log(), 10));
  }

  private boolean acceptsLogin() {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setPort(port);
    factory.setConnectionTimeout(1000);
    factory.setAutomaticRecoveryEnabled(false);
    try (var connection = factory.newConnection("celeriac probe")) {
      return connection.isOpen();
    } catch (IOException | TimeoutException e) {
      return false;
    }
  }

  long pid() {
    return process.pid();
  }

  /** Whether the node's process, started by this test, is running. */
  boolean running() {
    return process != null && process.isAlive();
  }

  /** SIGTERM to the server script, which stops the node gracefully; waits for the exit. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError("rabbitmq-server pid " + pid() + " did not exit within 60 s of SIGTERM:\n"
          + TestRuns.tail(log(), 20));
    }
  }

  /**
   * A crash: SIGKILL to the node's Erlang VM (a process this test started, the script's child), by its
   * handle; the script then exits. Whatever RabbitMQ confirmed is on disk and comes back with {@link #start()}.
   */
  void crash() throws InterruptedException {
    List<ProcessHandle> vms = process.children().toList();
    if (vms.isEmpty()) {
      throw new AssertionError("rabbitmq-server pid " + pid() + " has no Erlang VM child to kill");
    }
    for (ProcessHandle vm : vms) {
      vm.destroyForcibly();
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError("rabbitmq-server pid " + pid() + " did not exit within 60 s of its VM's SIGKILL");
    }
  }

  /**
   * For finally blocks: a graceful stop if still running; failing that, SIGKILL to the processes this test
   * started (the script and its Erlang VM), by their handles.
   */
  @Override
  public void close() {
    if (process == null || !process.isAlive()) {
      return;
    }
    List<ProcessHandle> started = process.descendants().toList();
    try {
      stop();
    } catch (InterruptedException | AssertionError e) {
      process.destroyForcibly();
      for (ProcessHandle child : started) {
        child.destroyForcibly();
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
