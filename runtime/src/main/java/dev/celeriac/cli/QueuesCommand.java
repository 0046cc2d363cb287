package dev.celeriac.cli;

import dev.celeriac.Celeriac;
import dev.celeriac.ConfigLoader;
import dev.celeriac.broker.QueueStats;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code queues}: per queue, what waits, runs, is parked and is dead; on Redis, the memory it takes. On RabbitMQ
 * the in-flight (unacked) count comes from the management API, and shows "-" where it does not answer.
 */
@Command(name = "queues", mixinStandardHelpOptions = true,
    description = "Show each queue: ready, in flight, delayed and dead messages, and on Redis the bytes its "
        + "keys use (all pending work must fit in Redis's memory).")
final class QueuesCommand implements Callable<Integer> {

  @Option(names = {"-Q", "--queues"}, split = ",", paramLabel = "QUEUE",
      description = "Queues to show. Default: every queue the broker knows and every queue of the task index.")
  private List<String> queues;

  @Option(names = "--broker", paramLabel = "URL",
      description = "Broker URL. Default: BROKER_URL, then broker.url in the file named by CELERIAC_CONF, then memory://.")
  private String broker;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    try (Celeriac app = Celeriac.create(ConfigLoader.load(System.getenv(), broker))) {
      Set<String> names = new TreeSet<>();
      if (queues != null) {
        names.addAll(queues);
      } else {
        names.addAll(app.broker().queueNames());
        app.registry().tasks().forEach(task -> names.add(task.queue()));
      }
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-32s %10s %10s %10s %10s %12s%n", "QUEUE", "READY", "IN FLIGHT", "DELAYED", "DEAD", "BYTES");
      for (String name : names) {
        QueueStats stats = app.broker().stats(name);
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
