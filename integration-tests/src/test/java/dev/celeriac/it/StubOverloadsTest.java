package dev.celeriac.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.celeriac.Celeriac;
import dev.celeriac.Default;
import dev.celeriac.Extras;
import dev.celeriac.Kwarg;
import dev.celeriac.Task;
import dev.celeriac.broker.Delivery;
import dev.celeriac.protocol.MessageCodec;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generated overloads that leave out trailing optional parameters send no keyword for them, so the
 * worker applies each {@code @Default} (or null), as a Python caller's {@code report.delay(7)} would.
 */
class StubOverloadsTest {

  /** How a report is written. */
  public enum Format { PDF, CSV }

  /** A task with a required parameter followed by optional ones of each kind. */
  public static final class Reports {
    static final List<List<Object>> RUNS = new CopyOnWriteArrayList<>();

    @Task(name = "it.stubs.report", queue = "it-stubs")
    public static void report(@Kwarg("project_id") long projectId, @Default("10") int limit,
        @Default("CSV") Format format, String title, @Extras Map<String, Object> extras) {
      RUNS.add(Arrays.asList(projectId, limit, format, title, extras));
    }
  }

  @BeforeEach
  void clear() {
    Reports.RUNS.clear();
  }

  @Test
  void leftOutParametersTakeTheirDefaultsOnTheWorker() {
    try (Celeriac eager = Celeriac.eager()) {
      ReportTask.with().on(eager).enqueue(7L);
      ReportTask.with().on(eager).enqueue(7L, 3);
      ReportTask.with().on(eager).enqueue(7L, 3, Format.PDF);
      ReportTask.with().on(eager).enqueue(7L, 3, Format.PDF, "weekly");
      // An explicit null is still sent, and binds as null, as Python's report.delay(7, format=None) does.
      ReportTask.with().on(eager).enqueue(7L, 3, null, null);
      Celeriac.setDefault(eager);
      try {
        ReportTask.enqueue(8L);
        ReportTask.enqueue(8L, 4, Format.PDF);
      } finally {
        Celeriac.setDefault(null);
      }
    }
    assertEquals(List.of(
        Arrays.asList(7L, 10, Format.CSV, null, Map.of()),
        Arrays.asList(7L, 3, Format.CSV, null, Map.of()),
        Arrays.asList(7L, 3, Format.PDF, null, Map.of()),
        Arrays.asList(7L, 3, Format.PDF, "weekly", Map.of()),
        Arrays.asList(7L, 3, null, null, Map.of()),
        Arrays.asList(8L, 10, Format.CSV, null, Map.of()),
        Arrays.asList(8L, 4, Format.PDF, null, Map.of())), Reports.RUNS);
  }

  @Test
  void leftOutParametersAreNotOnTheWire() throws Exception {
    try (Celeriac app = Celeriac.connect("memory://stubs-" + UUID.randomUUID())) {
      ReportTask.with().on(app).enqueue(7L, 3);
      List<Delivery> fetched = app.broker().fetch(List.of("it-stubs"), 1, Duration.ofSeconds(1));
      assertEquals(1, fetched.size());
      assertEquals(Map.of("project_id", 7, "limit", 3),
          MessageCodec.decodeBody(fetched.get(0).message()).kwargs());
      fetched.get(0).ack();
    }
  }
}
