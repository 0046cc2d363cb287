package dev.celeriac.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.celeriac.fleet.FleetCaptures;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The meta a Celery 5.2.6 worker stores and replies, byte for byte (fleet-examples/redis/result-*, amqp/rpc-result-*). */
class ResultMetaCodecTest {

  @ParameterizedTest
  @ValueSource(strings = {"result-success-setex", "result-success-publish", "result-failure", "result-notregistered",
      "result-started", "result-retry", "result-revoked", "result-revoked-expired", "result-revoked-terminated",
      "result-with-children"})
  void reencodesWhatCeleryStoredByteForByte(String capture) {
    JsonNode command = FleetCaptures.capture("redis/" + capture + ".json").get("command");
    String stored = command.get(command.size() - 1).asText();
    ResultMeta meta = ResultMetaCodec.decode(stored);
    assertEquals(stored, ResultMetaCodec.encode(meta));
    if (command.get(0).asText().equals("SETEX")) {
      assertEquals("86400", command.get(2).asText());
      assertEquals("celery-task-meta-" + meta.taskId(), command.get(1).asText());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"rpc-result-success", "rpc-result-failure", "rpc-result-retry", "rpc-result-revoked",
      "rpc-result-started"})
  void reencodesCeleryRpcRepliesAsPythonDumpsThem(String capture) throws Exception {
    JsonNode body = FleetCaptures.capture("amqp/" + capture + ".json").get("body");
    ResultMeta meta = ResultMetaCodec.decode(FleetCaptures.JSON.writeValueAsBytes(body));
    String ours = ResultMetaCodec.encodeRpc(meta);
    assertEquals(body, FleetCaptures.json(ours));
    assertEquals(List.of("task_id", "status", "result", "traceback", "children"),
        FleetCaptures.names(FleetCaptures.json(ours)));
  }

  @Test
  void storesAJavaFailureAsPythonRebuildsIt() {
    ResultMeta meta = ResultMeta.exception("id-1", TaskState.FAILURE,
        SerializedException.of(new IllegalStateException("boom \"quoted\" é")), "trace", LocalDateTime.of(2026, 12, 4,
            14, 46, 56, 195_144_000), null);
    assertEquals("{\"status\": \"FAILURE\", \"result\": {\"exc_type\": \"IllegalStateException\", \"exc_message\":"
        + " [\"boom \\\"quoted\\\" \\u00e9\"], \"exc_module\": \"java.lang\"}, \"traceback\": \"trace\", \"children\":"
        + " [], \"date_done\": \"2026-12-04T14:46:56.195144\", \"task_id\": \"id-1\"}", ResultMetaCodec.encode(meta));
  }

  @Test
  void nestedClassesTravelAsPythonQualifiedNames() {
    SerializedException error = SerializedException.of(new Nested("x"));
    assertEquals("ResultMetaCodecTest.Nested", error.type());
    assertEquals("dev.celeriac.result", error.module());
    assertEquals(List.of("x"), error.arguments());
  }

  @Test
  void datesAndFloatsAsPythonWritesThem() {
    assertEquals("2026-12-04T14:46:00", ResultMetaCodec.isoformat(LocalDateTime.of(2026, 12, 4, 14, 46)));
    assertEquals("2026-12-04T14:46:00.000001",
        ResultMetaCodec.isoformat(LocalDateTime.of(2026, 12, 4, 14, 46, 0, 1000)));
    // Every field zero-padded as Python pads it; nanoseconds below a microsecond dropped, not rounded.
    assertEquals("0005-01-02T03:04:05.123456",
        ResultMetaCodec.isoformat(LocalDateTime.of(5, 1, 2, 3, 4, 5, 123_456_999)));
    assertEquals("9999-12-31T23:59:59", ResultMetaCodec.isoformat(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999)));
    assertEquals("2.0", PythonFloats.repr(2));
    assertEquals("0.1", PythonFloats.repr(0.1));
    assertEquals("1e+16", PythonFloats.repr(1e16));
    assertEquals("1234567890123456.8", PythonFloats.repr(1234567890123456.8));
    assertEquals("1.5e-05", PythonFloats.repr(1.5e-5));
    assertEquals("0.0001", PythonFloats.repr(1e-4));
    assertEquals("-2.5e+20", PythonFloats.repr(-2.5e20));
    assertEquals("{\"a\": [1, 2.5, true, null, \"\\n\"]}",
        PythonJson.dumps(Map.of("a", java.util.Arrays.asList(1, 2.5, true, null, "\n"))));
  }

  @Test
  void pendingWhenUnknownStates() {
    assertEquals(TaskState.PENDING, TaskState.named("RECEIVED"));
    assertNull(ResultMeta.pending("x").exception());
  }

  static final class Nested extends RuntimeException {
    Nested(String message) {
      super(message);
    }
  }
}
