package dev.celeriac.cli;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.cron.Cron;
import dev.celeriac.metrics.prometheus.PrometheusEndpoint;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code run cron}: fires the periodic tasks until SIGTERM or SIGINT. */
@Command(name = "cron", mixinStandardHelpOptions = true,
    description = "Fire the @Periodic tasks of the task index at every slot of their schedules. Any number of "
        + "cron processes may run against one broker: each slot is enqueued exactly once. After downtime the "
        + "latest missed slot fires once. On SIGTERM or SIGINT: stop and exit 0; a second signal exits at once.")
final class CronCommand implements Callable<Integer> {

  @Mixin
  private BrokerOption broker;

  @Mixin
  private ResultBackendOption resultBackend;

  @Mixin
  private MetricsOption metrics;

  @picocli.CommandLine.Spec
  private picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    CeleriacConfig config = resultBackend.apply(broker.loadForProcess("cron"));
    try (Celeriac app = Celeriac.create(config)) {
      Cron cron = app.cron();
      if (cron.schedules().isEmpty()) {
        spec.commandLine().getErr().println("celeriac: no @Periodic task in the task index on the class path;"
            + " nothing to fire");
        return Main.USAGE;
      }
      Optional<PrometheusEndpoint> endpoint = metrics.start(config);
      try {
        endpoint.ifPresent(served -> cron.recordTo(served.registry()));
        Signals.onTerminate("cron", cron::stop);
        PrintWriter out = spec.commandLine().getOut();
        out.println("cron: firing " + String.join(", ", cron.schedules().keySet().stream().sorted()
            .map(name -> name + " (" + cron.schedules().get(name) + ")").toList()) + " on " + app.broker().displayUrl());
        out.flush();
        cron.run();
      } finally {
        endpoint.ifPresent(PrometheusEndpoint::close);
      }
    }
    return 0;
  }
}
