package dev.celeriac.cli;

import dev.celeriac.CeleriacConfig;
import dev.celeriac.ConfigLoader;
import picocli.CommandLine.Option;

/** {@code --broker URL}, shared by every command that talks to a broker, and the configuration it overrides. */
final class BrokerOption {

  @Option(names = "--broker", paramLabel = "URL",
      description = "Broker URL. Default: BROKER_URL, then broker.url in the file named by CELERIAC_CONF, then "
          + "memory://.")
  private String broker;

  /** The configuration from the environment, with this flag's broker first. */
  CeleriacConfig load() {
    return ConfigLoader.load(System.getenv(), broker);
  }
}
