package dev.celeriac.it.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.TaskFailedException;
import dev.celeriac.TaskRef;
import dev.celeriac.ValueType;
import dev.celeriac.it.amqp.ItRabbit;
import dev.celeriac.testsupport.Processes;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;

/**
 * Results across the language boundary, against Debian's Celery 5.2.6 with a Redis result backend, on a Redis broker
 * and on a RabbitMQ broker: Python's {@code AsyncResult.get()} of a Java task (a value; a failure raising an error
 * that carries the Java type and message), and a Java producer reading a Python task's result typed.
 */
@Tag("redis")
@Tag("rabbitmq")
@Tag("python")
class ResultsInteropTest {

  static final int PORT = Integer.parseInt(System.getenv().getOrDefault("CELERIAC_TEST_REDIS_PORT", "6379"));
  /** The result backend's own database; the Redis broker uses another. */
  static final String BACKEND = "redis://127.0.0.1:" + PORT + "/11";
  static final String REDIS_BROKER = "redis://127.0.0.1:" + PORT + "/10";
  static final Duration WAIT = Duration.ofSeconds(20);

  /** Its own empty vhost: the test must not depend on another having created it (as with a vhost suffix). */
  @org.junit.jupiter.api.BeforeAll
  static void emptyVhost() {
    ItRabbit.reset();
  }

  static Stream<String> brokers() {
    return Stream.of(REDIS_BROKER, ItRabbit.URL);
  }

  private static void flush() {
    try (Jedis redis = new Jedis("127.0.0.1", PORT)) {
      redis.select(10);
      redis.flushDB();
      redis.select(11);
      redis.flushDB();
    }
  }

  private static Celeriac app(String broker) {
    return Celeriac.create(CeleriacConfig.builder().brokerUrl(broker).resultBackend(BACKEND).build());
  }

  private static PythonCelery python(String broker) {
    PythonCelery celery = new PythonCelery(broker, Map.of("RESULTS_BACKEND", BACKEND));
    celery.require("redis");
    return celery;
  }

  private static Map<String, Object> pythonCall(PythonCelery celery, String task, String kwargs) {
    PythonCelery.PythonResult result = celery.python(Duration.ofSeconds(60), "results_app.py", "call", task,
        "results-java", kwargs, "20");
    assertEquals(0, result.exitCode(), result.stderr());
    return result.objects().get(0);
  }

  @ParameterizedTest
  @MethodSource("brokers")
  void pythonReadsJavaResults(String broker) {
    flush();
    PythonCelery celery = python(broker);
    try (Celeriac app = app(broker)) {
      Worker worker = app.worker(WorkerOptions.builder().queues(List.of("results-java")).concurrency(2).build())
          .start();
      try {
        Map<String, Object> sum = pythonCall(celery, "results.java_add", "{\"x\": 2, \"y\": 40}");
        assertEquals(42, sum.get("value"), sum.toString());
        assertEquals("SUCCESS", sum.get("state"));

        Map<String, Object> words = pythonCall(celery, "results.java_words", "{\"text\": \"a b c\"}");
        assertEquals(List.of("a", "b", "c"), words.get("value"), words.toString());

        Map<String, Object> failed = pythonCall(celery, "results.java_fail", "{\"message\": \"boom\"}");
        assertEquals("FAILURE", failed.get("state"), failed.toString());
        assertEquals("IllegalStateException", failed.get("error_type"), failed.toString());
        assertEquals("boom", failed.get("error"), failed.toString());
        assertTrue(String.valueOf(failed.get("traceback")).contains("java.lang.IllegalStateException: boom"));
      } finally {
        worker.stop(Duration.ofSeconds(5));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("brokers")
  void javaReadsPythonResultsTyped(String broker) throws Exception {
    flush();
    PythonCelery celery = python(broker);
    Process worker = celery.startWorker("results_app", "results-py",
        PythonCelery.logDir().resolve("results-worker-" + System.nanoTime() + ".log"));
    try (Celeriac app = app(broker)) {
      Celeriac.setDefault(app);
      TaskRef<Long> sum = PyAddTask.enqueue(2L, 3L);
      assertEquals(5L, sum.get(WAIT));

      TaskRef<Long> failed = PyFailTask.enqueue("bad input");
      TaskFailedException e = assertThrows(TaskFailedException.class, () -> failed.get(WAIT));
      assertEquals("ValueError", e.remoteType());
      assertEquals("builtins", e.remoteModule());
      assertEquals("('bad input', 42)", e.remoteMessage());
      assertTrue(e.remoteTraceback().contains("ValueError: ('bad input', 42)"), e.remoteTraceback());

      // Read again by id, from what the backend keeps.
      assertEquals(5, app.result(sum.id()).get(WAIT));
      assertEquals(5L, app.result(sum.id(), ValueType.boxed(ValueType.Kind.LONG)).get(WAIT));
    } finally {
      Celeriac.setDefault(null);
      Processes.stop(worker);
    }
  }

  /** rpc:// both ways on RabbitMQ: each worker replies to the producer's own reply queue. */
  @org.junit.jupiter.api.Test
  void rpcResultsBothWaysOnRabbitMq() throws Exception {
    String broker = ItRabbit.URL;
    PythonCelery celery = new PythonCelery(broker, Map.of("RESULTS_BACKEND", "rpc://"));
    try (Celeriac app = Celeriac.create(CeleriacConfig.builder().brokerUrl(broker).resultBackend("rpc://").build())) {
      Worker worker = app.worker(WorkerOptions.builder().queues(List.of("results-java")).concurrency(2).build())
          .start();
      try {
        Map<String, Object> sum = pythonCall(celery, "results.java_add", "{\"x\": 20, \"y\": 22}");
        assertEquals(42, sum.get("value"), sum.toString());
        Map<String, Object> failed = pythonCall(celery, "results.java_fail", "{\"message\": \"rpc boom\"}");
        assertEquals("IllegalStateException", failed.get("error_type"), failed.toString());
        assertEquals("rpc boom", failed.get("error"), failed.toString());
      } finally {
        worker.stop(Duration.ofSeconds(5));
      }
      Process python = celery.startWorker("results_app", "results-py",
          PythonCelery.logDir().resolve("results-rpc-worker-" + System.nanoTime() + ".log"));
      try {
        Celeriac.setDefault(app);
        assertEquals(7L, PyAddTask.enqueue(3L, 4L).get(WAIT));
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> PyFailTask.enqueue("x").get(WAIT));
        assertEquals("ValueError", e.remoteType());
      } finally {
        Celeriac.setDefault(null);
        Processes.stop(python);
      }
    }
  }
}
