package dev.celeriac.cli;

import dev.celeriac.CeleriacConfig;
import dev.celeriac.ConfigLoader;
import dev.celeriac.ConfigurationException;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --broker URL}, shared by every command that talks to a broker, and the configuration it overrides. */
final class BrokerOption {

  @Option(names = "--broker", paramLabel = "URL",
      description = "Broker URL. Default: BROKER_URL, then broker.url in the file named by CELERIAC_CONF, then "
          + "memory:// with a warning (run worker and run cron refuse that fallback).")
  private String broker;

  /** The configuration from the environment, with this flag's broker first. */
  CeleriacConfig load() {
    return ConfigLoader.load(System.getenv(), broker);
  }

  /**
   * As {@link #load()}, for {@code run worker} and {@code run cron}, which wait up to {@code
   * broker.connect-timeout-seconds} for a broker that does not answer yet (one starting alongside them).
   *
   * @throws ConfigurationException when no broker is named anywhere: a worker or a cron on the {@code memory://}
   *     fallback sees only its own process's messages. A {@code memory://} named explicitly is taken as meant.
   */
  CeleriacConfig loadForProcess(String process) {
    CeleriacConfig config = load();
    if (config.brokerUrlFallback()) {
      throw new ConfigurationException("no broker configured for run " + process + ": set BROKER_URL (or pass"
          + " --broker URL, or broker.url in the file named by CELERIAC_CONF); a " + process + " on the memory://"
          + " fallback would see only its own process's messages. Pass --broker memory:// to run on it anyway");
    }
    return config;
  }

  /**
   * As {@link #load()}, for the commands that inspect and exit ({@code queues}, {@code dead}, {@code purge}): a
   * broker that does not answer is reported at once, not awaited, since the operator or script that runs them
   * wants the answer now and retries as it sees fit. Refusals (credentials, an unknown host) are the same exit 2.
   */
  CeleriacConfig loadTryingOnce() {
    CeleriacConfig config = load();
    // These commands read no results: no connection to a result backend.
    return config.toBuilder().resultBackend(null)
        .brokerSettings(config.brokerSettings().withConnectTimeout(Duration.ZERO)).build();
  }
}
