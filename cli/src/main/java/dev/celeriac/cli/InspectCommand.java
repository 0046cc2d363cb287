package dev.celeriac.cli;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacException;
import dev.celeriac.control.ControlClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code inspect ACTION}: asks every worker on the broker, Celeriac and Python Celery alike, as
 * {@code celery inspect} does, and prints each node's reply as it comes.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Ask the workers on the broker, Celeriac and Python Celery alike, as celery inspect does: ping, "
        + "active, reserved, scheduled, registered, revoked, stats or active_queues.")
final class InspectCommand implements Callable<Integer> {

  /** The actions, with the arguments {@code celery inspect} sends for each. */
  private static final Map<String, Map<String, Object>> ACTIONS = Map.of(
      "ping", Map.of(),
      "active", Map.of(),
      "reserved", Map.of(),
      "scheduled", Map.of(),
      "registered", Map.of("taskinfoitems", List.of()),
      "revoked", Map.of(),
      "stats", Map.of(),
      "active_queues", Map.of());

  @Parameters(index = "0", paramLabel = "ACTION",
      completionCandidates = Actions.class,
      description = "ping, active, reserved, scheduled, registered, revoked, stats or active_queues.")
  private String action;

  @Mixin
  private RemoteOptions remote;

  @Mixin
  private BrokerOption broker;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, Object> arguments = ACTIONS.get(action);
    if (arguments == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "unknown inspect action '" + action
          + "'; known are " + new java.util.TreeSet<>(ACTIONS.keySet()));
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Celeriac app = Celeriac.create(broker.load().toBuilder().resultBackend(null).build())) {
      ControlClient client = new ControlClient(RemoteOptions.fleet(app).mailbox());
      List<ControlClient.Reply> replies = client.call(action, arguments, remote.selection(), remote.timeout(),
          reply -> {
            if (!remote.json) {
              RemoteReplies.print(out, reply);
              out.flush();
            }
          });
      if (replies.isEmpty()) {
        throw new CeleriacException("no nodes replied within " + remote.timeout + " s");
      }
      if (remote.json) {
        out.println(RemoteReplies.json(replies));
      } else {
        RemoteReplies.summary(out, replies.size());
      }
    }
    return 0;
  }

  /** The actions, for help and completion. */
  static final class Actions implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return new java.util.TreeSet<>(ACTIONS.keySet()).iterator();
    }
  }
}
