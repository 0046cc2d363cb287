package dev.celeriac.metrics.prometheus;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics} in Prometheus' text format, for {@code run worker --metrics-port} and {@code run cron
 * --metrics-port}: a Prometheus registry with the JVM's own meters (memory, GC, threads, CPU, uptime), served
 * by the JDK's HTTP server on one daemon thread, so a scrape never competes with task slots for more.
 */
public final class PrometheusEndpoint implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PrometheusEndpoint.class);
  /** The path Prometheus scrapes by default. */
  public static final String PATH = "/metrics";

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;
  private final HttpServer server;
  private final ExecutorService handler;

  private PrometheusEndpoint(PrometheusMeterRegistry registry, JvmGcMetrics gc, HttpServer server,
      ExecutorService handler) {
    this.registry = registry;
    this.gc = gc;
    this.server = server;
    this.handler = handler;
  }

  /**
   * Starts serving on {@code address}; port 0 picks a free one (see {@link #port()}).
   *
   * @throws UncheckedIOException when the port cannot be bound, for instance because it is taken
   */
  public static PrometheusEndpoint start(InetSocketAddress address) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    HttpServer server;
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      gc.close();
      registry.close();
      throw new UncheckedIOException("can't serve metrics on port " + address.getPort() + ": " + e.getMessage(), e);
    }
    ExecutorService handler = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "celeriac-metrics");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(handler);
    server.createContext("/", exchange -> respond(exchange, registry));
    server.start();
    PrometheusEndpoint endpoint = new PrometheusEndpoint(registry, gc, server, handler);
    log.info("Serving metrics on http://{}:{}{}", address.getHostString(), endpoint.port(), PATH);
    return endpoint;
  }

  private static void respond(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
    try (exchange) {
      boolean found = exchange.getRequestURI().getPath().equals(PATH);
      boolean get = exchange.getRequestMethod().equals("GET") || exchange.getRequestMethod().equals("HEAD");
      if (!found || !get) {
        exchange.sendResponseHeaders(found ? 405 : 404, -1);
        return;
      }
      byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(200, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  /** Where the worker's and the cron's meters go. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The port the endpoint listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops serving; a scrape under way gets up to a second to finish. */
  @Override
  public void close() {
    server.stop(1);
    handler.shutdownNow();
    gc.close();
    registry.close();
  }
}
