package dev.celeriac.it.slim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Batch;
import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.ConfigurationException;
import dev.celeriac.TaskRef;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * What a service that depends on {@code celeriac-core} and {@code celeriac-redis} alone gets: tasks enqueued and run
 * on Redis with their results stored there, and none of the RabbitMQ client, picocli or Prometheus on its class
 * path, nor the modules that bring them.
 */
class CoreRedisOnlyTest {

  static final int PORT = Integer.parseInt(System.getenv().getOrDefault("CELERIAC_TEST_REDIS_PORT", "6379"));
  /** Database 9 of the test Redis: this module's own. */
  static final String BROKER = "redis://127.0.0.1:" + PORT + "/9";

  @BeforeEach
  void flush() {
    try (Jedis redis = new Jedis("127.0.0.1", PORT)) {
      redis.select(9);
      redis.flushDB();
    }
  }

  @Test
  void enqueuesAndRunsTasksOnRedis() {
    CeleriacConfig config = CeleriacConfig.builder().brokerUrl(BROKER).resultBackend(BROKER).build();
    try (Celeriac app = Celeriac.create(config)) {
      List<TaskRef<Long>> refs = new ArrayList<>();
      try (Batch batch = app.batch()) {
        for (long i = 0; i < 50; i++) {
          refs.add(MultiplyTask.with().on(app).in(batch).enqueue(i, 3L));
        }
      }
      Worker worker = app.worker(WorkerOptions.builder().queues(List.of("slim")).concurrency(2).build()).start();
      try {
        for (int i = 0; i < refs.size(); i++) {
          assertEquals(3L * i, refs.get(i).get(Duration.ofSeconds(30)), "task " + i);
        }
      } finally {
        worker.stop(Duration.ofSeconds(10));
      }
    }
  }

  @Test
  void neitherRabbitMqNorTheCliNorPrometheusIsOnTheClassPath() {
    for (String name : List.of(
        "com.rabbitmq.client.Channel",                              // amqp-client
        "picocli.CommandLine",                                      // picocli
        "io.prometheus.metrics.model.registry.PrometheusRegistry",  // Prometheus' client
        "io.micrometer.prometheusmetrics.PrometheusMeterRegistry",  // Micrometer's Prometheus registry
        "dev.celeriac.broker.amqp.AmqpBroker",                      // celeriac-amqp
        "dev.celeriac.cli.Main",                                    // celeriac-cli
        "dev.celeriac.metrics.prometheus.PrometheusEndpoint")) {               // celeriac-cli
      assertThrows(ClassNotFoundException.class, () -> Class.forName(name), name + " is loadable");
    }
  }

  @Test
  void aRabbitMqUrlNamesTheModuleToAdd() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> Celeriac.create(CeleriacConfig.builder().brokerUrl("amqp://guest:guest@127.0.0.1:5672//").build()));
    assertTrue(e.getMessage().startsWith("amqp:// needs dev.celeriac:celeriac-amqp on the class path"), e.getMessage());
  }
}
