package dev.celeriac.cli;

import dev.celeriac.Celeriac;
import dev.celeriac.broker.QueueAdministration;
import dev.celeriac.broker.QueueStats;
import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code queues}: per queue, what waits, runs, is parked and is dead; on Redis, the memory it takes. On RabbitMQ
 * the in-flight (unacked) count comes from the management API, and shows "-" where it does not answer.
 */
@Command(name = "queues", mixinStandardHelpOptions = true,
    description = "Show each queue: ready, in flight, delayed and dead messages, and on Redis the bytes its "
        + "keys use (all pending work must fit in Redis's memory).")
final class QueuesCommand implements Callable<Integer> {

  @CommandLine.Mixin
  private QueueSelection queues;

  @CommandLine.Mixin
  private BrokerOption broker;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (Celeriac app = Celeriac.create(broker.loadTryingOnce())) {
      QueueAdministration admin = app.broker();
      Set<String> names = queues.resolve(admin, app.registry());
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-32s %10s %10s %10s %10s %12s%n", "QUEUE", "READY", "IN FLIGHT", "DELAYED", "DEAD", "BYTES");
      for (String name : names) {
        QueueStats stats = admin.stats(name);
        out.printf("%-32s %10d %10s %10d %10d %12s%n", name, stats.ready(), orDash(stats.inFlight()),
            stats.delayed(), stats.dead(), orDash(stats.bytes()));
      }
      out.println("broker " + app.broker().displayUrl());
    }
    return 0;
  }

  /** A count, or "-" where the broker cannot tell (RabbitMQ's unacked count without its management API). */
  private static String orDash(long count) {
    return count < 0 ? "-" : Long.toString(count);
  }
}
