package dev.celeriac.canvas;

import dev.celeriac.protocol.Json;
import dev.celeriac.protocol.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The members of a chord's join set as Celery's Redis backend writes them, {@code [1, task_id, state, result]},
 * and the join they make once complete.
 */
public final class ChordJoins {

  /** Celery's {@code PROPAGATE_STATES}: a member in one of these fails the chord. */
  private static final Set<String> PROPAGATE = Set.of("FAILURE", "REVOKED");

  private ChordJoins() {}

  /** The member a header task adds: {@code [1, task_id, state, result]} as JSON. */
  public static String member(String taskId, String state, Object result) {
    return new String(Json.write(java.util.Arrays.asList(1, taskId, state, result)), StandardCharsets.UTF_8);
  }

  /**
   * The join of complete members, in the order given (header order): the results, or the first member that
   * failed with Celery's text for its exception.
   */
  public static ChordStore.Join join(List<String> members) {
    List<Object> results = new ArrayList<>(members.size());
    for (String member : members) {
      Object decoded = Json.read(member.getBytes(StandardCharsets.UTF_8));
      if (!(decoded instanceof List<?> tuple) || tuple.size() < 4) {
        throw new IllegalStateException("chord member is not [1, task_id, state, result]: " + member);
      }
      String state = String.valueOf(tuple.get(2));
      if (PROPAGATE.contains(state)) {
        return new ChordStore.Join(null, String.valueOf(tuple.get(1)), exceptionRepr(tuple.get(3)));
      }
      results.add(tuple.get(3));
    }
    return new ChordStore.Join(results, null, null);
  }

  /** {@code ValueError('boom', 42)} for Celery's exception dict, as Python's {@code repr(exc)}. */
  public static String exceptionRepr(Object result) {
    if (!(result instanceof Map<?, ?> exc) || !(exc.get("exc_type") instanceof String type)) {
      return MessageCodec.repr(result);
    }
    Object message = exc.get("exc_message");
    List<?> args = message instanceof List<?> list ? list : message == null ? List.of() : List.of(message);
    StringBuilder out = new StringBuilder(type).append('(');
    for (int i = 0; i < args.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      out.append(MessageCodec.repr(args.get(i)));
    }
    return out.append(')').toString();
  }
}
