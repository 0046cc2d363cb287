package dev.celeriac.cli;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.CeleriacException;
import dev.celeriac.broker.FleetSupport;
import dev.celeriac.control.ControlClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code control ACTION}: steers the workers on the broker, Celeriac and Python Celery alike, as
 * {@code celery control} does. {@code revoke} also records the ids on the broker, so that workers started later,
 * even after every worker restarted, still discard them.
 */
@Command(name = "control", mixinStandardHelpOptions = true,
    description = "Steer the workers on the broker, Celeriac and Python Celery alike, as celery control does: "
        + "revoke ID... [--terminate], enable_events, disable_events or shutdown.")
final class ControlCommand implements Callable<Integer> {

  private static final List<String> ACTIONS = List.of("revoke", "enable_events", "disable_events", "shutdown");

  @Parameters(index = "0", paramLabel = "ACTION", description = "revoke, enable_events, disable_events or shutdown.")
  private String action;

  @Parameters(index = "1..*", paramLabel = "ID", description = "For revoke: the task ids.")
  private List<String> ids = List.of();

  @Option(names = "--terminate",
      description = "For revoke: also interrupt the tasks where they run now (SIGTERM on a Python worker).")
  private boolean terminate;

  @Mixin
  private RemoteOptions remote;

  @Mixin
  private BrokerOption broker;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    if (!ACTIONS.contains(action)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "unknown control action '" + action
          + "'; known are " + ACTIONS);
    }
    boolean revoke = action.equals("revoke");
    if (revoke == ids.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), revoke ? "revoke needs at least one task id"
          : action + " takes no task ids");
    }
    if (terminate && !revoke) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--terminate goes with revoke only");
    }
    PrintWriter out = spec.commandLine().getOut();
    CeleriacConfig config = broker.load().toBuilder().resultBackend(null).build();
    try (Celeriac app = Celeriac.create(config)) {
      FleetSupport fleet = RemoteOptions.fleet(app);
      ControlClient client = new ControlClient(fleet.mailbox());
      if (action.equals("shutdown")) {
        // Workers never reply to shutdown: there is nothing to wait for.
        client.cast("shutdown", Map.of(), remote.selection());
        out.println("shutdown sent to " + (remote.destination == null ? "every worker" : String.join(", ",
            remote.destination)));
        return 0;
      }
      Map<String, Object> arguments = new LinkedHashMap<>();
      if (revoke) {
        // First on the broker, so that a worker that starts while the request is on its way discards them too.
        fleet.revokes().add(ids, Instant.now().plus(config.worker().revokeExpires()));
        arguments.put("task_id", ids);
        arguments.put("terminate", terminate);
        arguments.put("signal", "SIGTERM");
      }
      List<ControlClient.Reply> replies = client.call(action, arguments, remote.selection(), remote.timeout(),
          reply -> {
            if (!remote.json) {
              RemoteReplies.print(out, reply);
              out.flush();
            }
          });
      if (remote.json) {
        out.println(RemoteReplies.json(replies));
      } else if (!replies.isEmpty()) {
        RemoteReplies.summary(out, replies.size());
      }
      if (revoke) {
        out.println("revoked " + String.join(", ", ids) + ": stored on the broker for "
            + config.worker().revokeExpires().toSeconds() + " s; workers that start later discard "
            + (ids.size() == 1 ? "it" : "them") + " too");
      } else if (replies.isEmpty()) {
        throw new CeleriacException("no nodes replied within " + remote.timeout + " s");
      }
    }
    return 0;
  }
}
