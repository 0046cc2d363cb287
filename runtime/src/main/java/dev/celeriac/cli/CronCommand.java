package dev.celeriac.cli;

import dev.celeriac.Celeriac;
import dev.celeriac.ConfigLoader;
import dev.celeriac.cron.Cron;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run cron}: fires the periodic tasks until SIGTERM or SIGINT. */
@Command(name = "cron", mixinStandardHelpOptions = true,
    description = "Fire the @Periodic tasks of the task index at every slot of their schedules. Any number of "
        + "cron processes may run against one broker: each slot is enqueued exactly once. After downtime the "
        + "latest missed slot fires once. On SIGTERM or SIGINT: stop and exit 0; a second signal exits at once.")
final class CronCommand implements Callable<Integer> {

  @Option(names = "--broker", paramLabel = "URL",
      description = "Broker URL. Default: BROKER_URL, then broker.url in the file named by CELERIAC_CONF, then memory://.")
  private String broker;

  @picocli.CommandLine.Spec
  private picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    try (Celeriac app = Celeriac.create(ConfigLoader.load(System.getenv(), broker))) {
      Cron cron = app.cron();
      if (cron.schedules().isEmpty()) {
        spec.commandLine().getErr().println("celeriac: no @Periodic task in the task index on the class path;"
            + " nothing to fire");
        return Main.USAGE;
      }
      Signals.onTerminate("cron", cron::stop);
      spec.commandLine().getOut().println("cron: firing " + String.join(", ", cron.schedules().keySet().stream()
          .sorted().map(name -> name + " (" + cron.schedules().get(name) + ")").toList()) + " on "
          + app.broker().displayUrl());
      spec.commandLine().getOut().flush();
      cron.run();
    }
    return 0;
  }
}
