package dev.celeriac.protocol;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a Celery protocol 1 message says about itself, read for people, never to run it. Protocol 1 keeps
 * everything in the body, a JSON object {@code {"task": ..., "id": ..., "args": [...], "kwargs": {...}, ...}}, and
 * leaves the headers empty; workers execute protocol 2 only and dead-letter these, and {@code dead list} shows what
 * they held. A pickle body is never read: unpickling runs code the sender chose.
 *
 * @param task the task name
 * @param id the task id, or null when the body has none
 * @param args the positional arguments, empty when the body has none
 * @param kwargs the keyword arguments, empty when the body has none
 */
public record ProtocolOneBody(String task, String id, List<Object> args, Map<String, Object> kwargs) {

  /**
   * The body of {@code message} when it is a JSON protocol 1 body naming a task; empty for anything else: another
   * content type (pickle included, left unread), a body that is not such an object, an undecodable one.
   */
  public static Optional<ProtocolOneBody> read(TaskMessage message) {
    String encoding = message.contentEncoding();
    if (!TaskMessage.JSON.equals(message.contentType())
        || (encoding != null && !encoding.equalsIgnoreCase("utf-8") && !encoding.equalsIgnoreCase("utf8"))) {
      return Optional.empty();
    }
    Object body;
    try {
      body = JsonReader.parse(MessageCodec.decompress(message));
    } catch (MalformedMessageException e) {
      return Optional.empty();
    }
    if (!(body instanceof Map<?, ?> fields) || !(fields.get("task") instanceof String task)) {
      return Optional.empty();
    }
    @SuppressWarnings("unchecked")
    List<Object> args = fields.get("args") instanceof List<?> list ? (List<Object>) list : List.of();
    @SuppressWarnings("unchecked")
    Map<String, Object> kwargs = fields.get("kwargs") instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    return Optional.of(new ProtocolOneBody(task, fields.get("id") instanceof String id ? id : null, args, kwargs));
  }

  /** The arguments as Celery's {@code argsrepr} header writes them: a Python tuple. */
  public String argsRepr() {
    return MessageCodec.PythonRepr.tuple(args);
  }

  /** The keyword arguments as Celery's {@code kwargsrepr} header writes them: a Python dict. */
  public String kwargsRepr() {
    return MessageCodec.PythonRepr.dict(kwargs);
  }
}
