package dev.celeriac.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.celeriac.TaskContext;
import dev.celeriac.TaskDefinition;
import dev.celeriac.TaskRegistry;
import dev.celeriac.Retry;
import dev.celeriac.testsupport.Waits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The captures of Celery 5.2.6 workers and clients in {@code src/test/resources/fleet-examples/}, and the tasks
 * the fleet wire tests run to produce the same conversations from a Celeriac worker.
 */
public final class FleetCaptures {

  public static final ObjectMapper JSON = new ObjectMapper();

  /** The queue of {@link #TASKS}. */
  public static final String QUEUE = "fleet";
  public static final TaskDefinition OK = TaskDefinition.builder("fleet.ok").queue(QUEUE).origin("test#ok")
      .invoker(arguments -> {}).build();
  public static final TaskDefinition FAIL = TaskDefinition.builder("fleet.fail").queue(QUEUE).origin("test#fail")
      .maxRetries(0).invoker(arguments -> {
        throw new IllegalStateException("boom");
      }).build();
  /** Retries once, then succeeds. */
  public static final TaskDefinition RETRY = TaskDefinition.builder("fleet.retry").queue(QUEUE).origin("test#retry")
      .invoker(arguments -> {
        if (TaskContext.current().orElseThrow().retries() == 0) {
          throw new Retry(Duration.ofMillis(10));
        }
      }).build();
  public static final TaskRegistry TASKS = TaskRegistry.of(List.of(OK, FAIL, RETRY));

  private FleetCaptures() {}

  /** A capture file, {@code fleet-examples/<path>}. */
  public static JsonNode capture(String path) {
    try (InputStream in = FleetCaptures.class.getResourceAsStream("/fleet-examples/" + path)) {
      if (in == null) {
        throw new IllegalStateException("no capture fleet-examples/" + path);
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode json(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The body of a kombu envelope, base64-decoded and read. */
  public static JsonNode body(JsonNode envelope) {
    return json(Base64.getDecoder().decode(envelope.path("body").asText()));
  }

  /** An object's field names, in order. */
  public static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** The field names of each event type, by type, from events as a Celery receiver sees them. */
  public static ConcurrentHashMap<String, List<String>> fieldsByType(List<JsonNode> events) {
    ConcurrentHashMap<String, List<String>> byType = new ConcurrentHashMap<>();
    for (JsonNode event : events) {
      byType.putIfAbsent(event.path("type").asText(), names(event));
    }
    return byType;
  }

  public static void await(String what, BooleanSupplier condition) {
    Waits.await(what, Duration.ofSeconds(15), condition::getAsBoolean);
  }
}
