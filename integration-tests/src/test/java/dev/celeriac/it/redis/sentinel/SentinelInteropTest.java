package dev.celeriac.it.redis.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.broker.redis.RedisSettings;
import dev.celeriac.it.TestRuns;
import dev.celeriac.it.interop.InteropTasks;
import dev.celeriac.it.interop.PyRecordTask;
import dev.celeriac.it.interop.PythonCelery;
import dev.celeriac.testsupport.Processes;
import dev.celeriac.testsupport.Waits;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Celeriac and Debian's Python Celery 5.2.6 on one Redis behind three Sentinels, both ways, on the URL a Celery
 * deployment writes ({@code sentinel://:pw@s1/5;sentinel://s2/5;sentinel://s3/5}, the master's name in
 * {@code broker_transport_options}): kombu and Celeriac read it alike, password and database 5 included.
 */
@Tag("redis")
@Tag("python")
class SentinelInteropTest {

  private static final int DB = 5;
  private static final String JAVA_QUEUE = "interop-java";
  private static final String PY_QUEUE = "interop-py";

  private static SentinelCluster cluster;

  @BeforeAll
  static void startCluster() throws IOException {
    new PythonCelery("unused://", Map.of()).require("redis");
    cluster = SentinelCluster.start(TestRuns.runDir("sentinel-interop"), 1, 3);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void cleanSlate() {
    try (Jedis master = cluster.master(DB)) {
      master.flushDB();
    }
    InteropTasks.reset();
  }

  @Test
  void pythonProducerOverSentinelToJavaWorker() {
    PythonCelery python = new PythonCelery(cluster.url(DB), Map.of("INTEROP_MASTER_NAME", SentinelCluster.MASTER_NAME));
    Set<String> sent = new TreeSet<>();
    for (int i = 1; i <= 3; i++) {
      for (Map<String, Object> line : python.command("send-java", "sentinel-py-" + i)) {
        sent.add((String) line.get("id"));
      }
    }
    assertEquals(3, sent.size(), sent.toString());
    try (Jedis master = cluster.master(DB)) {
      assertEquals(3, master.llen(JAVA_QUEUE), "kombu put the messages in database " + DB + " of the master");
    }

    RedisSettings settings = RedisSettings.defaults().withSentinelMasterName(SentinelCluster.MASTER_NAME);
    CeleriacConfig config = CeleriacConfig.builder().brokerUrl(cluster.url(DB)).brokerSettings(settings).build();
    try (Celeriac app = Celeriac.create(config)) {
      Worker worker = app.worker(WorkerOptions.builder().queues(List.of(JAVA_QUEUE)).concurrency(1).build()).start();
      try {
        Waits.await("the Java worker to run what Python sent", Duration.ofSeconds(30),
            () -> InteropTasks.runs().size() >= sent.size(), () -> "ran " + InteropTasks.runs());
      } finally {
        worker.stop();
      }
    }
    assertEquals(sent, InteropTasks.runs().stream().map(InteropTasks.Run::id)
        .collect(Collectors.toCollection(TreeSet::new)));
  }

  @Test
  void javaProducerOverSentinelToPythonWorker() throws IOException {
    int total = 20;
    Path dir = TestRuns.runDir("sentinel-interop-py");
    Path records = dir.resolve("py-records.jsonl");
    PythonCelery python = new PythonCelery(cluster.url(DB), Map.of("INTEROP_MASTER_NAME", SentinelCluster.MASTER_NAME,
        "INTEROP_RECORDS_FILE", records.toString()));
    Path log = dir.resolve("celery-worker.log");
    Map<Long, String> ids = new TreeMap<>();
    Process celery = python.startWorker(PY_QUEUE, log);
    try (Celeriac app = Celeriac.connect(cluster.urlWithMasterName(DB))) {
      for (long n = 0; n < total; n++) {
        ids.put(n, PyRecordTask.with().on(app).enqueue(n, "sentinel-" + n, Map.of()).id());
      }
      Waits.await(total + " runs recorded by the Python worker", Duration.ofSeconds(60),
          () -> lines(records).size() >= total,
          () -> "recorded " + lines(records).size() + ", worker alive " + celery.isAlive()
              + "\n--- celery worker log ---\n" + PythonCelery.tail(log, 40));
    } finally {
      Processes.stop(celery);
    }

    Map<Long, String> ran = new TreeMap<>();
    for (String line : lines(records)) {
      Map<String, Object> record = PythonCelery.parse(line);
      assertEquals(null, ran.put(((Number) record.get("n")).longValue(), (String) record.get("id")),
          "ran twice: " + line);
    }
    assertEquals(ids, ran);
    assertEquals(LongStream.range(0, total).boxed().toList(), List.copyOf(ran.keySet()));
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
