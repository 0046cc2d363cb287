package dev.celeriac.metrics.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.EnqueueOptions;
import dev.celeriac.fixtures.AddTask;
import dev.celeriac.metrics.MicrometerListener;
import dev.celeriac.testsupport.Waits;
import dev.celeriac.worker.Outcome;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A worker's meters as Prometheus scrapes them from the endpoint of {@code --metrics-port}. */
class PrometheusEndpointTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void aScrapeAfterARunHasPerTaskTimersOutcomesDeadLettersAndJvmMeters() throws Exception {
    try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Celeriac app = Celeriac.connect("memory://metrics-" + UUID.randomUUID())) {
      AddTask.with().on(app).enqueue(1, 2);
      AddTask.with().on(app).enqueue(3, 4);
      app.send("tests.flaky", List.of(), Map.of("succeed_after", 1), EnqueueOptions.DEFAULTS);
      app.send("tests.unheard_of", List.of(), Map.of(), new EnqueueOptions("math", null, null, null, null));
      Worker worker = app.worker(WorkerOptions.builder().queues(List.of("math")).concurrency(2)
          .listener(new MicrometerListener(endpoint.registry())).build()).start();
      Waits.await("the worker to finish", Duration.ofSeconds(20),
          () -> worker.count(Outcome.SUCCEEDED) >= 3 && worker.count(Outcome.DEAD_LETTERED) >= 1,
          () -> "succeeded " + worker.count(Outcome.SUCCEEDED));
      worker.stop();

      HttpResponse<String> scrape = get(endpoint, "/metrics");
      assertEquals(200, scrape.statusCode());
      assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), scrape.headers().toString());
      String body = scrape.body();
      assertContains(body, "celeriac_task_duration_seconds_count{task=\"tests.add\"} 2");
      assertContains(body, "celeriac_task_duration_seconds_count{task=\"tests.flaky\"} 1");
      assertContains(body, "celeriac_task_queue_latency_seconds_count{queue=\"math\",task=\"tests.add\"} 2");
      // tests.flaky runs twice: the message, then its retry, whose latency counts from its eta.
      assertContains(body, "celeriac_task_queue_latency_seconds_count{queue=\"math\",task=\"tests.flaky\"} 2");
      assertContains(body, "celeriac_task_outcomes_total{outcome=\"succeeded\",task=\"tests.add\"} 2");
      assertContains(body, "celeriac_task_outcomes_total{outcome=\"retried\",task=\"tests.flaky\"} 1");
      assertContains(body, "celeriac_messages_dead_total{cause=\"unknown_task\",queue=\"math\",task=\"tests.unheard_of\"} 1");
      assertContains(body, "jvm_memory_used_bytes");
      assertContains(body, "process_uptime_seconds");

      assertEquals(404, get(endpoint, "/").statusCode());
      assertEquals(404, get(endpoint, "/metrics/x").statusCode());
    }
  }

  @Test
  void revokedTasksCountAsRevokedAndExpiredMessagesAsExpiredOnly() {
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    MicrometerListener listener = new MicrometerListener(registry);
    dev.celeriac.TaskContext task = new dev.celeriac.TaskContext("id", "tests.add", "math", 0, "id", null);
    listener.taskRevoked(task, dev.celeriac.worker.RevokeReason.REVOKED);
    listener.taskRevoked(task, dev.celeriac.worker.RevokeReason.TERMINATED);
    listener.messageExpired(task);
    listener.taskRevoked(task, dev.celeriac.worker.RevokeReason.EXPIRED);

    assertEquals(2, registry.counter("celeriac.task.outcomes", "task", "tests.add", "outcome", "revoked").count());
    assertEquals(1, registry.counter("celeriac.task.outcomes", "task", "tests.add", "outcome", "expired").count());
  }

  private static void assertContains(String body, String line) {
    assertTrue(body.contains(line), "no '" + line + "' in:\n" + body);
  }

  private static HttpResponse<String> get(PrometheusEndpoint endpoint, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
