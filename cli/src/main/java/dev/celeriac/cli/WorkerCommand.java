package dev.celeriac.cli;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.ConfigurationException;
import dev.celeriac.metrics.MicrometerListener;
import dev.celeriac.metrics.prometheus.PrometheusEndpoint;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code run worker}: consumes queues until SIGTERM or SIGINT, then stops gracefully and exits 0; a second
 * signal stops it at once (see {@link Signals}).
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = "Consume queues and run tasks. On SIGTERM or SIGINT: stop fetching, return unstarted "
        + "messages, let running tasks finish (up to the shutdown timeout), exit 0. A second signal exits at "
        + "once with 1; unsettled messages stay with the broker.")
final class WorkerCommand implements Callable<Integer> {

  @picocli.CommandLine.Spec
  private picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = {"-Q", "--queues"}, split = ",", paramLabel = "QUEUE",
      description = "Queues to consume, comma-separated. Default: worker.queues from the configuration file, "
          + "else every queue of the tasks implemented on the class path.")
  private List<String> queues;

  @Option(names = {"-c", "--concurrency"}, paramLabel = "N",
      description = "Tasks run at once. Default: worker.concurrency, else the number of processors.")
  private Integer concurrency;

  @Option(names = "--prefetch", paramLabel = "N",
      description = "Messages held fetched ahead, at least one per slot. Default: worker.prefetch, else "
          + "automatic: about a second of work, from one per slot for long tasks up to 512.")
  private Integer prefetch;

  @Option(names = {"-n", "--hostname"}, paramLabel = "NAME",
      description = "The worker's node name, as Celery's: name@host; %%h (host name), %%n (its first label) and %%d "
          + "(its domain) expand. Default: worker.hostname, else celeriac@%%h.")
  private String hostname;

  @Option(names = {"-E", "--task-events"},
      description = "Send task events (task-received, task-started, task-succeeded, ...), as Celery's -E. Default: "
          + "worker.task-events, else off; control enable_events turns them on later.")
  private boolean taskEvents;

  @Option(names = "--without-heartbeat",
      description = "Send no worker-online, worker-heartbeat and worker-offline events.")
  private boolean withoutHeartbeat;

  @Option(names = "--without-mingle",
      description = "Don't ask the other workers for their revoked task ids at start.")
  private boolean withoutMingle;

  @Mixin
  private BrokerOption broker;

  @Mixin
  private ResultBackendOption resultBackend;

  @Mixin
  private MetricsOption metrics;

  @Override
  public Integer call() throws InterruptedException {
    CeleriacConfig config = resultBackend.apply(broker.loadForProcess("worker"));
    WorkerOptions.Builder options = config.worker().toBuilder();
    try {
      if (queues != null) {
        options.queues(queues);
      }
      if (concurrency != null) {
        options.concurrency(concurrency);
      }
      if (prefetch != null) {
        options.prefetch(prefetch);
      }
      if (hostname != null) {
        options.hostname(hostname);
      }
      if (taskEvents) {
        options.taskEvents(true);
      }
      if (withoutHeartbeat) {
        options.heartbeat(false);
      }
      if (withoutMingle) {
        options.mingle(false);
      }
    } catch (IllegalArgumentException e) {
      // A flag out of range is bad usage: exit 2 with the reason, as for a bad configuration file.
      throw new ConfigurationException(e.getMessage(), e);
    }
    Optional<PrometheusEndpoint> endpoint = metrics.start(config);
    endpoint.ifPresent(served -> options.listener(new MicrometerListener(served.registry())));
    try (Celeriac app = Celeriac.create(config)) {
      Worker worker = app.worker(options.build());
      // Installed before the worker starts, so that no signal finds it running without a graceful stop.
      Signals.onTerminate("worker", worker::stop);
      worker.start();
      worker.awaitStop();
      if (worker.fatalError() != null) {
        spec.commandLine().getErr().println("celeriac: worker stopped after a fatal error: " + worker.fatalError());
        return Main.FAILURE;
      }
      return 0;
    } finally {
      endpoint.ifPresent(PrometheusEndpoint::close);
    }
  }
}
