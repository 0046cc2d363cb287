package dev.celeriac.cli;

import dev.celeriac.CeleriacConfig;
import dev.celeriac.ConfigurationException;
import dev.celeriac.metrics.prometheus.PrometheusEndpoint;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --metrics-port N} of the long-running processes: Prometheus metrics on {@code GET /metrics}. */
final class MetricsOption {

  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "Serve Prometheus metrics on http://<host>:PORT/metrics (all interfaces). Default: "
          + "metrics.port from the configuration file, else none (0 means none).")
  private Integer port;

  /** The endpoint, started, when this flag or the configuration asks for one. */
  Optional<PrometheusEndpoint> start(CeleriacConfig config) {
    int chosen = port != null ? port : config.metricsPort();
    if (chosen < 0 || chosen > 65535) {
      throw new ConfigurationException("--metrics-port must be a port from 1 to 65535, or 0 for none; was " + chosen);
    }
    if (chosen == 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(PrometheusEndpoint.start(new InetSocketAddress(chosen)));
    } catch (UncheckedIOException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
  }
}
