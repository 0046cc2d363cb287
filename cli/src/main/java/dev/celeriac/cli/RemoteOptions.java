package dev.celeriac.cli;

import dev.celeriac.Celeriac;
import dev.celeriac.ConfigurationException;
import dev.celeriac.broker.FleetSupport;
import dev.celeriac.control.ControlClient;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code -d}, {@code -t} and {@code -j} of {@code inspect} and {@code control}, as Celery's. */
final class RemoteOptions {

  @Option(names = {"-d", "--destination"}, split = ",", paramLabel = "NODE",
      description = "Ask only these nodes (comma-separated node names, such as celeriac@host). Default: every worker.")
  List<String> destination;

  @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", defaultValue = "1.0",
      description = "How long to wait for replies, in seconds. Default: ${DEFAULT-VALUE}.")
  double timeout;

  @Option(names = {"-j", "--json"}, description = "Print the replies as one JSON object by node.")
  boolean json;

  ControlClient.Selection selection() {
    return ControlClient.Selection.of(destination);
  }

  Duration timeout() {
    if (!(timeout > 0) || timeout > 3600) {
      throw new ConfigurationException("--timeout must be between 0 and 3600 seconds, was " + timeout);
    }
    return Duration.ofMillis(Math.round(timeout * 1000));
  }

  /** The broker's remote control. */
  static FleetSupport fleet(Celeriac app) {
    return app.broker().fleet().orElseThrow(() -> new ConfigurationException("the broker " + app.broker().displayUrl()
        + " has no remote control; use redis:// or amqp://"));
  }
}
