package dev.celeriac.result;

import dev.celeriac.protocol.Json;
import dev.celeriac.protocol.MalformedMessageException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Celery's meta document, byte for byte as a Celery 5.2.6 worker writes it: the Redis backend's
 * ({@code status, result, traceback, children, date_done[, group_id][, parent_id], task_id}) and the rpc
 * backend's ({@code task_id, status, result, traceback, children}), in Python's {@code json.dumps} layout.
 */
public final class ResultMetaCodec {

  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  private ResultMetaCodec() {}

  /** The value of {@code celery-task-meta-<id>}. */
  public static String encode(ResultMeta meta) {
    StringBuilder out = new StringBuilder(160);
    out.append("{\"status\": ");
    PythonJson.string(out, meta.state().name());
    out.append(", \"result\": ");
    PythonJson.write(out, meta.result());
    out.append(", \"traceback\": ");
    PythonJson.write(out, meta.traceback());
    out.append(", \"children\": ");
    PythonJson.write(out, meta.children());
    out.append(", \"date_done\": ");
    if (meta.dateDone() == null) {
      out.append("null");
    } else {
      PythonJson.string(out, isoformat(meta.dateDone()));
    }
    if (meta.groupId() != null) {
      out.append(", \"group_id\": ");
      PythonJson.string(out, meta.groupId());
    }
    if (meta.parentId() != null) {
      out.append(", \"parent_id\": ");
      PythonJson.string(out, meta.parentId());
    }
    out.append(", \"task_id\": ");
    PythonJson.string(out, meta.taskId());
    return out.append('}').toString();
  }

  /** The body of an rpc:// reply ({@code RPCBackend._to_result}). */
  public static String encodeRpc(ResultMeta meta) {
    StringBuilder out = new StringBuilder(128);
    out.append("{\"task_id\": ");
    PythonJson.string(out, meta.taskId());
    out.append(", \"status\": ");
    PythonJson.string(out, meta.state().name());
    out.append(", \"result\": ");
    PythonJson.write(out, meta.result());
    out.append(", \"traceback\": ");
    PythonJson.write(out, meta.traceback());
    out.append(", \"children\": ");
    PythonJson.write(out, meta.children());
    return out.append('}').toString();
  }

  /** Python's {@code datetime.isoformat()} of a naive time: microseconds, left out when zero. */
  public static String isoformat(LocalDateTime time) {
    LocalDateTime micros = time.truncatedTo(ChronoUnit.MICROS);
    String base = micros.format(SECONDS);
    int us = micros.get(ChronoField.MICRO_OF_SECOND);
    return us == 0 ? base : base + "." + String.format("%06d", us);
  }

  /**
   * Reads a stored meta (either layout).
   *
   * @throws MalformedMessageException when it is not a JSON object with a status
   */
  public static ResultMeta decode(byte[] json) {
    Object parsed = Json.read(json);
    if (!(parsed instanceof Map<?, ?> map) || !(map.get("status") instanceof String status)) {
      throw new MalformedMessageException("not a result meta: " + new String(json, StandardCharsets.UTF_8));
    }
    Object children = map.get("children");
    Object done = map.get("date_done");
    LocalDateTime dateDone = null;
    if (done instanceof String text) {
      try {
        dateDone = LocalDateTime.parse(text.length() > 26 ? text.substring(0, 26) : text);
      } catch (RuntimeException e) {
        dateDone = null;
      }
    }
    return new ResultMeta(String.valueOf(map.get("task_id")), TaskState.named(status), map.get("result"),
        map.get("traceback") instanceof String text ? text : null,
        children instanceof List<?> list ? new ArrayList<>(list) : List.of(), dateDone,
        map.get("group_id") instanceof String g ? g : null, map.get("parent_id") instanceof String p ? p : null);
  }

  public static ResultMeta decode(String json) {
    return decode(json.getBytes(StandardCharsets.UTF_8));
  }
}
