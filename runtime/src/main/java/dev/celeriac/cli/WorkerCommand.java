package dev.celeriac.cli;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.ConfigLoader;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run worker}: consumes queues until SIGTERM or SIGINT, then stops gracefully and exits 0. */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = "Consume queues and run tasks. On SIGTERM or SIGINT: stop fetching, return unstarted "
        + "messages, let running tasks finish (up to the shutdown timeout), exit 0.")
final class WorkerCommand implements Callable<Integer> {

  @Option(names = {"-Q", "--queues"}, split = ",", paramLabel = "QUEUE",
      description = "Queues to consume, comma-separated. Default: worker.queues from the configuration file, "
          + "else every queue of the tasks implemented on the class path.")
  private List<String> queues;

  @Option(names = {"-c", "--concurrency"}, paramLabel = "N",
      description = "Tasks run at once. Default: worker.concurrency, else the number of processors.")
  private Integer concurrency;

  @Option(names = "--prefetch", paramLabel = "N",
      description = "Messages held fetched ahead. Default: worker.prefetch, else 4 x concurrency.")
  private Integer prefetch;

  @Option(names = "--broker", paramLabel = "URL",
      description = "Broker URL. Default: BROKER_URL, then broker.url in the file named by CELERIAC_CONF, then memory://.")
  private String broker;

  @Override
  public Integer call() throws InterruptedException {
    CeleriacConfig config = ConfigLoader.load(System.getenv(), broker);
    WorkerOptions.Builder options = config.worker().toBuilder();
    if (queues != null) {
      options.queues(queues);
    }
    if (concurrency != null) {
      options.concurrency(concurrency);
    }
    if (prefetch != null) {
      options.prefetch(prefetch);
    }
    try (Celeriac app = Celeriac.create(config)) {
      Worker worker = app.worker(options.build()).start();
      CountDownLatch done = new CountDownLatch(1);
      Thread hook = new Thread(() -> {
        worker.stop();
        done.countDown();
        // A signal started this shutdown; the work is settled, so the process ends as a clean stop.
        Runtime.getRuntime().halt(0);
      }, "celeriac-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      worker.awaitStop();
      done.await();
    }
    return 0;
  }
}
