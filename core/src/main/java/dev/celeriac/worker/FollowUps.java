package dev.celeriac.worker;

import dev.celeriac.EagerTaskException;
import dev.celeriac.canvas.CanvasApplier;
import dev.celeriac.canvas.ChordJoins;
import dev.celeriac.canvas.ChordStore;
import dev.celeriac.canvas.SignatureSpec;
import dev.celeriac.protocol.Ids;
import dev.celeriac.protocol.MalformedMessageException;
import dev.celeriac.protocol.TaskMessage;
import dev.celeriac.protocol.TaskPayload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a task's message asks to happen after it settles, sent as a Celery worker sends it: on success the
 * {@code callbacks} with the result prepended and the next {@code chain} step with the rest of the chain; after a
 * final failure the {@code errbacks} with the failed task's id; and, for a chord header task, its part of the
 * chord, whose last part fires the body. Called by the executor before the message is acked, so a worker that
 * dies in between runs the task again rather than lose what follows it. Thread-safe.
 */
public final class FollowUps {

  private static final Logger log = LoggerFactory.getLogger(FollowUps.class);
  /** Pauses between attempts to send a follow-up the broker refused. */
  private static final List<Duration> BACKOFF = List.of(Duration.ofMillis(200), Duration.ofSeconds(1));

  private final CanvasApplier applier;
  private final ChordStore chords;

  /**
   * @param applier sends signatures through the broker the worker consumes from
   * @param chords the result backend's chord join, or null when none is configured (a chord header task then
   *     completes nothing, as on a Celery worker without a backend)
   */
  public FollowUps(CanvasApplier applier, ChordStore chords) {
    this.applier = applier;
    this.chords = chords;
  }

  /** A follow-up that could not be sent even after retrying; the message is dead-lettered with it. */
  public static final class NotSentException extends RuntimeException {
    NotSentException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Whether {@code payload} asks for anything after the run. */
  static boolean any(TaskPayload payload) {
    Map<String, Object> embed = payload.embed();
    if (embed == null) {
      return false;
    }
    return present(embed.get("callbacks")) || present(embed.get("errbacks")) || present(embed.get("chain"))
        || embed.get("chord") != null;
  }

  private static boolean present(Object value) {
    return value instanceof List<?> list ? !list.isEmpty() : value != null;
  }

  /**
   * After a success, as Celery's tracer: callbacks, then the chain's next step, then the chord part.
   *
   * @throws NotSentException when one could not be sent
   */
  public void succeeded(TaskMessage message, TaskPayload payload, Object value) {
    planSuccess(message, payload, value).send();
  }

  /**
   * What a success sends, with the ids its messages will carry fixed now (as Celery's {@code Signature.freeze}):
   * the result is stored with them as its {@code children} before any is sent, as Celery stores the callbacks and
   * chain step a task sent before its result.
   *
   * @throws MalformedMessageException when the message's callbacks or chain are not signatures
   */
  public Success planSuccess(TaskMessage message, TaskPayload payload, Object value) {
    Map<String, Object> embed = payload.embed();
    if (embed == null) {
      return Success.NOTHING;
    }
    String id = message.id();
    String rootId = message.rootId() != null ? message.rootId() : id;
    List<Object> children = new ArrayList<>();
    List<Runnable> sends = new ArrayList<>();
    // Ids derived from the task's own: a redelivered task sends its follow-ups again under the ids its stored
    // children name, and a chord it starts again joins the same group, which counts each member once.
    Supplier<String> ids = Ids.derived(id + ":follow-ups");
    List<SignatureSpec> callbacks = signatures(embed.get("callbacks"));
    if (callbacks.size() == 1) {
      SignatureSpec callback = CanvasApplier.frozen(callbacks.get(0), ids);
      children.add(CanvasApplier.trailTuple(callback));
      sends.add(() -> send("callback " + callback.task(), () ->
          applier.apply(callback, single(value), from(message, id, rootId))));
    } else if (callbacks.size() > 1) {
      // As Celery: group callbacks go on their own, the others together as one group with a fresh id.
      List<SignatureSpec> grouped = new ArrayList<>();
      for (SignatureSpec each : callbacks) {
        if (SignatureSpec.GROUP.equals(each.subtaskType())) {
          SignatureSpec callback = CanvasApplier.frozen(each, ids);
          children.add(CanvasApplier.trailTuple(callback));
          sends.add(() -> send("callback group", () -> applier.apply(callback, single(value),
              from(message, id, rootId))));
        } else {
          grouped.add(each);
        }
      }
      if (!grouped.isEmpty()) {
        SignatureSpec group = CanvasApplier.frozen(SignatureSpec.group(grouped), ids);
        children.add(CanvasApplier.trailTuple(group));
        sends.add(() -> send("callbacks", () -> applier.apply(group, single(value), from(message, id, rootId))));
      }
    }
    List<SignatureSpec> chain = signatures(embed.get("chain"));
    if (!chain.isEmpty()) {
      SignatureSpec next = CanvasApplier.frozen(chain.get(chain.size() - 1), ids);
      List<Object> rest = new ArrayList<>();
      for (int i = 0; i < chain.size() - 1; i++) {
        rest.add(chain.get(i).toWire());
      }
      Map<String, Object> call = from(message, id, rootId);
      call.put("chain", rest);
      Object tuple = CanvasApplier.trailTuple(next);
      if (tuple != null) {
        children.add(tuple);
      }
      sends.add(() -> send("chain step " + next.task(), () -> applier.apply(next, single(value), call)));
    }
    sends.add(() -> chordPart(message, embed, "SUCCESS", value));
    return new Success(List.copyOf(children), sends);
  }

  /** What a success sends, planned by {@link #planSuccess}. */
  public static final class Success {
    static final Success NOTHING = new Success(List.of(), List.of());

    private final List<Object> children;
    private final List<Runnable> sends;

    Success(List<Object> children, List<Runnable> sends) {
      this.children = children;
      this.sends = sends;
    }

    /** Celery's result tuples of the callbacks and chain step, for the task's stored {@code children}. */
    public List<Object> children() {
      return children;
    }

    /**
     * Sends the callbacks, the chain's next step and the chord part, in that order.
     *
     * @throws NotSentException when one could not be sent
     */
    public void send() {
      sends.forEach(Runnable::run);
    }
  }

  /**
   * After a final failure, as Celery's backend: the chord part, then the errbacks, each sent as a task with the
   * failed task's id as its first argument, together as one group.
   *
   * @throws NotSentException when one could not be sent
   */
  public void failed(TaskMessage message, TaskPayload payload, Throwable failure) {
    Map<String, Object> embed = payload.embed();
    if (embed == null) {
      return;
    }
    Map<String, Object> exc = exceptionDict(failure);
    chordPart(message, embed, "FAILURE", exc);
    failRestOfChain(embed, exc, failure);
    List<SignatureSpec> errbacks = signatures(embed.get("errbacks"));
    if (!errbacks.isEmpty()) {
      String id = message.id();
      String rootId = message.rootId() != null ? message.rootId() : id;
      Map<String, Object> call = new LinkedHashMap<>();
      call.put("parent_id", id);
      call.put("root_id", rootId);
      send("errbacks", () -> applier.apply(SignatureSpec.group(errbacks), List.of(id), call));
    }
  }

  /**
   * As Celery's backend: every remaining chain step with a task id is stored as failed with the same exception, and
   * a step that is part of a chord counts there as failed, so that nothing waits forever on a chain that broke.
   */
  private void failRestOfChain(Map<String, Object> embed, Map<String, Object> exc,
      Throwable failure) {
    List<SignatureSpec> chain = signatures(embed.get("chain"));
    if (chain.isEmpty() || chords == null) {
      return;
    }
    String traceback = traceback(failure);
    for (SignatureSpec step : chain) {
      if (step.options().get("task_id") instanceof String stepId) {
        send("failure of chain step " + stepId, () -> chords.chainStepFailed(stepId, exc, traceback));
        Object chord = step.options().get("chord");
        Object group = step.options().get("group_id");
        if (chord != null && group != null) {
          Object index = step.options().get("group_index");
          send("chord part of chain step " + stepId, () -> {
            ChordStore.Join join = chords.partReturned(group.toString(),
                index instanceof Number number ? number.intValue() : null, stepId, "FAILURE", exc);
            if (join != null) {
              SignatureSpec body = SignatureSpec.fromWire(chord);
              String bodyId = body.options().get("task_id") instanceof String text ? text : Ids.uuid();
              chords.bodyFailed(bodyId, group.toString(),
                  "Dependency " + join.failedTaskId() + " raised " + join.failure());
            }
          });
        }
      }
    }
  }

  private static String traceback(Throwable failure) {
    java.io.StringWriter out = new java.io.StringWriter();
    failure.printStackTrace(new java.io.PrintWriter(out));
    return out.toString();
  }

  /** A header task that was revoked counts in its chord as REVOKED, which fails the chord, as in Celery. */
  public void revoked(TaskMessage message, TaskPayload payload, String reason) {
    Map<String, Object> embed = payload.embed();
    if (embed != null) {
      Map<String, Object> exc = new LinkedHashMap<>();
      exc.put("exc_type", "TaskRevokedError");
      exc.put("exc_message", List.of(reason));
      exc.put("exc_module", "celery.exceptions");
      chordPart(message, embed, "REVOKED", exc);
    }
  }

  private void chordPart(TaskMessage message, Map<String, Object> embed, String state, Object result) {
    Object chord = embed.get("chord");
    if (chord == null) {
      return;
    }
    Object group = message.headers().get("group");
    if (group == null) {
      return;
    }
    if (chords == null) {
      log.warn("Task {}[{}] is part of chord {}, but this worker has no result backend to count it in"
          + " (set result.backend): the chord's body will not run", message.task(), message.id(), group);
      return;
    }
    SignatureSpec body = SignatureSpec.fromWire(chord);
    Object index = message.headers().get("group_index");
    Integer groupIndex = index instanceof Number number ? number.intValue() : null;
    String groupId = group.toString();
    ChordStore.Join[] join = new ChordStore.Join[1];
    send("chord part of " + groupId, () -> join[0] =
        chords.partReturned(groupId, groupIndex, message.id(), state, result));
    if (join[0] == null) {
      return;
    }
    String rootId = message.rootId() != null ? message.rootId() : message.id();
    if (join[0].failed()) {
      String bodyId = body.options().get("task_id") instanceof String text ? text : Ids.uuid();
      String text = "Dependency " + join[0].failedTaskId() + " raised " + join[0].failure();
      log.error("Chord {} failed: {}; body {}[{}] not sent", groupId, text, body.task(), bodyId);
      send("chord error of " + groupId, () -> chords.bodyFailed(bodyId, groupId, text));
      List<SignatureSpec> errbacks = signatures(body.options().get("link_error"));
      if (!errbacks.isEmpty()) {
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("parent_id", bodyId);
        call.put("root_id", rootId);
        send("chord body errbacks", () -> applier.apply(SignatureSpec.group(errbacks), List.of(bodyId), call));
      }
      return;
    }
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("parent_id", message.id());
    call.put("root_id", rootId);
    send("chord body " + body.task(), () -> applier.apply(body, single(join[0].results()), call));
    try {
      chords.completed(groupId);
    } catch (RuntimeException e) {
      // The body is out; its keys only wait for their expiry now.
      log.warn("Chord {}: body sent, join state not deleted: {}", groupId, e.toString());
    }
  }

  /** The options every follow-up of {@code message} gets: it is their parent, its root is theirs. */
  private static Map<String, Object> from(TaskMessage message, String id, String rootId) {
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("parent_id", id);
    call.put("root_id", rootId);
    if (message.properties().get("priority") instanceof Number priority) {
      call.put("priority", priority.intValue());
    }
    return call;
  }

  private static List<Object> single(Object value) {
    List<Object> args = new ArrayList<>(1);
    args.add(value);
    return args;
  }

  private static List<SignatureSpec> signatures(Object value) {
    if (value == null) {
      return List.of();
    }
    List<SignatureSpec> out = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object item : list) {
        out.add(SignatureSpec.fromWire(item));
      }
    } else {
      out.add(SignatureSpec.fromWire(value));
    }
    return out;
  }

  /** Celery's exception dict for a Java failure: the class's simple name and package, the message as its args. */
  static Map<String, Object> exceptionDict(Throwable failure) {
    Map<String, Object> exc = new LinkedHashMap<>();
    exc.put("exc_type", failure.getClass().getSimpleName());
    List<Object> args = new ArrayList<>();
    if (failure.getMessage() != null) {
      args.add(failure.getMessage());
    }
    exc.put("exc_message", args);
    exc.put("exc_module", failure.getClass().getPackageName());
    return exc;
  }

  /** Runs one send, retried after a pause when the broker or backend refused it. */
  private static void send(String what, Runnable action) {
    RuntimeException last = null;
    for (int attempt = 0; attempt <= BACKOFF.size(); attempt++) {
      try {
        action.run();
        return;
      } catch (MalformedMessageException e) {
        throw new NotSentException(what + " is not a valid signature: " + e.getMessage(), e);
      } catch (EagerTaskException e) {
        // Eager mode ran the follow-up here and it failed for good: that is the caller's answer, not a send to retry.
        throw e;
      } catch (RuntimeException e) {
        last = e;
        if (attempt < BACKOFF.size()) {
          log.warn("Could not send {} (attempt {}), retrying: {}", what, attempt + 1, e.toString());
          try {
            Thread.sleep(BACKOFF.get(attempt).toMillis());
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            break;
          }
        }
      }
    }
    throw new NotSentException("could not send " + what + ": " + last, last);
  }
}
