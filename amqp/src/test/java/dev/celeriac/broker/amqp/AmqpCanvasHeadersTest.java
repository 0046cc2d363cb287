package dev.celeriac.broker.amqp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.celeriac.canvas.CanvasApplier;
import dev.celeriac.canvas.MemoryChordStore;
import dev.celeriac.canvas.SignatureSpec;
import dev.celeriac.fleet.FleetCaptures;
import dev.celeriac.protocol.TaskMessage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A chord's header messages built here carry, on RabbitMQ, the field types Celery's own carried
 * ({@code fleet-examples/amqp/chord-messages.json}): {@code group} a long string, {@code group_index} a signed
 * 32-bit int, the rest as py-amqp writes them.
 */
class AmqpCanvasHeadersTest {

  @Test
  void chordHeaderFieldTypesAreCeleryOwn() {
    List<TaskMessage> sent = new ArrayList<>();
    CanvasApplier applier = new CanvasApplier((queue, message) -> sent.add(message), name -> null,
        new MemoryChordStore(), Clock.systemUTC(), name -> null);
    applier.apply(SignatureSpec.chord(SignatureSpec.group(List.of(
            SignatureSpec.task("fleetapp.add", List.of(1, 1), Map.of()),
            SignatureSpec.task("fleetapp.add", List.of(2, 2), Map.of()))),
        SignatureSpec.task("fleetapp.tsum", List.of(), Map.of())), List.of(), Map.of());

    JsonNode captured = FleetCaptures.capture("amqp/chord-messages.json").get("messages");
    for (int i = 0; i < 2; i++) {
      JsonNode expectedTypes = captured.get(i).get("header_types");
      Map<String, Object> table = AmqpHeaders.toTable(sent.get(i).headers());
      expectedTypes.fieldNames().forEachRemaining(name -> {
        if (!List.of("lang", "origin").contains(name)) {
          assertEquals(expectedTypes.get(name).isTextual() ? expectedTypes.get(name).asText() : "A",
              tag(table.get(name)), name);
        }
      });
    }
  }

  private static String tag(Object field) {
    if (field == null) {
      return "V";
    }
    if (field instanceof String) {
      return "S";
    }
    if (field instanceof Integer) {
      return "I";
    }
    if (field instanceof Boolean) {
      return "t";
    }
    if (field instanceof List) {
      return "A";
    }
    return field.getClass().getSimpleName();
  }
}
