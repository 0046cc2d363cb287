package dev.celeriac.cli;

import dev.celeriac.Celeriac;
import dev.celeriac.broker.QueueAdministration;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code purge -Q q}: empties queues. The queues must be named: there is no purge-everything default. */
@Command(name = "purge", mixinStandardHelpOptions = true,
    description = "Drop every ready message of the named queues. Messages in flight, parked for an eta, or dead "
        + "stay.")
final class PurgeCommand implements Callable<Integer> {

  @Option(names = {"-Q", "--queues"}, split = ",", paramLabel = "QUEUE", required = true,
      description = "Queues to empty, comma-separated.")
  private List<String> queues;

  @Mixin
  private BrokerOption broker;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Celeriac app = Celeriac.create(broker.loadTryingOnce())) {
      QueueAdministration admin = app.broker();
      for (String queue : queues) {
        long dropped = admin.purge(queue);
        out.println("purged " + dropped + " message" + (dropped == 1 ? "" : "s") + " from " + queue);
      }
    }
    return 0;
  }
}
