package dev.celeriac.canvas;

import dev.celeriac.TaskContext;
import dev.celeriac.TaskDefinition;
import dev.celeriac.TaskRegistry;
import dev.celeriac.result.ResultMeta;
import dev.celeriac.protocol.Ids;
import dev.celeriac.protocol.MessageCodec;
import dev.celeriac.protocol.TaskMessage;
import dev.celeriac.protocol.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Turns a signature, chain, group or chord into the task messages Celery's {@code apply_async} sends, for a
 * producer and for the callbacks, chain hops, errbacks and chord bodies a worker sends. Options are read as
 * Celery reads them: {@code task_id}, {@code countdown}, {@code eta}, {@code expires}, {@code queue},
 * {@code priority}, {@code link}, {@code link_error}, {@code chain}, {@code chord}, {@code group_id},
 * {@code group_index}, {@code parent_id}, {@code root_id}, {@code shadow}, {@code time_limit},
 * {@code soft_time_limit}, {@code ignore_result}, {@code headers} and {@code reply_to}. Thread-safe.
 */
public final class CanvasApplier {

  /** Celery's queue for a task nothing routes. */
  public static final String DEFAULT_QUEUE = "celery";

  /** Options a call may not change once a signature has them (Celery's {@code Signature._IMMUTABLE_OPTIONS}). */
  private static final List<String> KEPT_OPTIONS = List.of("group_id");

  private final Dispatch dispatch;
  private final Function<String, String> queueOf;
  private final ChordStore chords;
  private final Clock clock;
  private final Function<String, Object> ignoreResultOf;

  /**
   * @param dispatch where messages go
   * @param queueOf a task's own queue by name, or null when this side does not know the task
   * @param chords the chord join of the result backend, or null when there is none (chords are then refused)
   * @param ignoreResultOf the {@code ignore_result} header for a task by name when its signature does not say, or
   *     null for Celery's default, false
   */
  public CanvasApplier(Dispatch dispatch, Function<String, String> queueOf, ChordStore chords, Clock clock,
      Function<String, Object> ignoreResultOf) {
    this.dispatch = dispatch;
    this.queueOf = queueOf;
    this.chords = chords;
    this.clock = clock;
    this.ignoreResultOf = ignoreResultOf;
  }

  /**
   * An applier whose tasks go to their queues in {@code registry}, and others to {@code celery}; a task of the
   * registry says {@code ignore_result} as its {@code @Task} does, others Celery's default, false.
   */
  public static CanvasApplier forRegistry(Dispatch dispatch, TaskRegistry registry, ChordStore chords, Clock clock) {
    return new CanvasApplier(dispatch, name -> registry.find(name).map(TaskDefinition::queue).orElse(null), chords,
        clock, name -> registry.find(name).map(task -> (Object) task.ignoreResult()).orElse(null));
  }

  /** What one apply sent. */
  public record Sent(String id, String queue, List<Sent> members) {
    static Sent task(String id, String queue) {
      return new Sent(id, queue, List.of());
    }
  }

  /**
   * Applies {@code signature} with {@code args} prepended to its own (unless it is immutable) and {@code call}
   * options over its own, as Celery's {@code signature.apply_async(args, **call)}.
   *
   * @return the task id (the last step's for a chain, the body's for a chord) or, for a group, the group id
   *     with one member per task
   */
  public Sent apply(SignatureSpec signature, List<Object> args, Map<String, Object> call) {
    String type = signature.subtaskType();
    if (SignatureSpec.CHAIN.equals(type)) {
      return applyChain(signature, args, call);
    }
    if (SignatureSpec.GROUP.equals(type)) {
      return applyGroup(signature, args, call, false);
    }
    if (SignatureSpec.CHORD.equals(type)) {
      return applyChord(signature, args, call);
    }
    return applyTask(signature, args, call);
  }

  /** The signature's options with the call's over them, as Celery's {@code Signature._merge}. */
  static Map<String, Object> merge(Map<String, Object> own, Map<String, Object> call) {
    Map<String, Object> merged = new LinkedHashMap<>(own);
    call.forEach((key, value) -> {
      if (!KEPT_OPTIONS.contains(key) || !own.containsKey(key)) {
        merged.put(key, value);
      }
    });
    return merged;
  }

  private static List<Object> mergeArgs(SignatureSpec signature, List<Object> args) {
    if (signature.immutable() || args.isEmpty()) {
      return signature.args();
    }
    List<Object> all = new ArrayList<>(args);
    all.addAll(signature.args());
    return all;
  }

  private Sent applyTask(SignatureSpec signature, List<Object> extra, Map<String, Object> call) {
    Map<String, Object> options = merge(signature.options(), call);
    List<Object> args = mergeArgs(signature, extra);
    String id = string(options.get("task_id"));
    if (id == null) {
      id = Ids.uuid();
    }
    Instant now = clock.instant();
    Instant eta = null;
    if (options.get("eta") instanceof String text) {
      eta = Timestamps.parse(text);
    } else if (options.get("countdown") instanceof Number seconds) {
      eta = now.plusNanos((long) (seconds.doubleValue() * 1e9));
    }
    Instant expiresAt = null;
    Duration expiresIn = null;
    Object expires = options.get("expires");
    if (expires instanceof Number seconds) {
      expiresIn = Duration.ofNanos((long) (seconds.doubleValue() * 1e9));
      expiresAt = now.plus(expiresIn);
    } else if (expires instanceof String text) {
      expiresAt = Timestamps.parse(text);
      expiresIn = Duration.between(now, expiresAt).isNegative() ? Duration.ZERO : Duration.between(now, expiresAt);
    }
    String parentId = string(options.get("parent_id"));
    String rootId = string(options.get("root_id"));
    TaskContext running = TaskContext.current().orElse(null);
    if (parentId == null && running != null) {
      parentId = running.id();
    }
    if (rootId == null && running != null) {
      rootId = running.rootId();
    }
    Integer priority = options.get("priority") instanceof Number number ? number.intValue() : null;
    TaskMessage base = MessageCodec.newMessage(new MessageCodec.NewMessage(signature.task(), id, args,
        signature.kwargs(), eta, expiresAt, expiresIn, parentId, rootId, priority, null, now));

    Map<String, Object> headers = new LinkedHashMap<>(base.headers());
    headers.put("shadow", options.get("shadow"));
    headers.put("group", options.get("group_id"));
    headers.put("group_index", options.get("group_index") instanceof Number index ? index.intValue() : null);
    if (options.containsKey("time_limit") || options.containsKey("soft_time_limit")) {
      headers.put("timelimit", Arrays.asList(seconds(options.get("time_limit")),
          seconds(options.get("soft_time_limit"))));
    }
    Object ignoreResult = options.containsKey("ignore_result") ? options.get("ignore_result")
        : ignoreResultOf.apply(signature.task());
    // Celery's default (task_ignore_result=False): a step another worker runs stores its result, so that what
    // follows it, and the caller's AsyncResult, can read it.
    headers.put("ignore_result", ignoreResult instanceof Boolean flag && flag);
    if (options.get("headers") instanceof Map<?, ?> more) {
      more.forEach((key, value) -> headers.put(String.valueOf(key), value));
    }
    Map<String, Object> properties = new LinkedHashMap<>(base.properties());
    if (options.get("reply_to") instanceof String replyTo) {
      properties.put("reply_to", replyTo);
    }
    Map<String, Object> embed = new LinkedHashMap<>();
    embed.put("callbacks", listOrNull(options.get("link")));
    embed.put("errbacks", listOrNull(options.get("link_error")));
    embed.put("chain", options.get("chain") instanceof List<?> chain ? chain : null);
    embed.put("chord", options.get("chord"));
    byte[] body = MessageCodec.encodeBody(args, signature.kwargs(), embed);
    TaskMessage message = new TaskMessage(headers, properties, TaskMessage.JSON, "utf-8", body);
    String queue = queueFor(signature.task(), options);
    dispatch.publish(queue, message);
    return Sent.task(id, queue);
  }

  private Sent applyGroup(SignatureSpec group, List<Object> extra, Map<String, Object> call, boolean indexed) {
    Map<String, Object> options = merge(group.options(), call);
    List<Object> args = mergeArgs(group, extra);
    String groupId = string(options.get("group_id"));
    if (groupId == null) {
      groupId = string(options.get("task_id"));
    }
    if (groupId == null) {
      groupId = Ids.uuid();
    }
    List<SignatureSpec> members = flatten(group.tasks());
    List<Sent> sent = new ArrayList<>(members.size());
    for (int i = 0; i < members.size(); i++) {
      Map<String, Object> memberCall = memberOptions(options);
      memberCall.put("group_id", groupId);
      if (indexed) {
        memberCall.put("group_index", i);
      }
      sent.add(apply(members.get(i), args, memberCall));
    }
    return new Sent(groupId, null, sent);
  }

  private Sent applyChord(SignatureSpec chord, List<Object> extra, Map<String, Object> call) {
    Map<String, Object> options = merge(chord.options(), call);
    List<Object> args = mergeArgs(chord, extra);
    SignatureSpec body = chord.body();
    if (body.options().get("task_id") == null) {
      body = body.withOption("task_id", Ids.uuid());
    }
    // The chord's own options that concern what follows it travel with the body, as Celery's _chord.run does.
    for (String key : List.of("chain", "link", "link_error", "reply_to")) {
      if (options.containsKey(key) && !body.options().containsKey(key)) {
        body = body.withOption(key, options.get(key));
      }
    }
    String bodyId = (String) body.options().get("task_id");
    List<SignatureSpec> header = flatten(chord.header());
    if (header.isEmpty()) {
      applyTask(body, List.of(List.of()), Map.of());
      return new Sent(bodyId, null, List.of());
    }
    if (chords == null) {
      throw new IllegalStateException("Starting chords requires a result backend: set result.backend to a redis://"
          + " URL");
    }
    String groupId = string(options.get("group_id"));
    if (groupId == null) {
      groupId = Ids.uuid();
    }
    Map<String, Object> bodyWire = body.toWire();
    List<Sent> sent = new ArrayList<>(header.size());
    for (int i = 0; i < header.size(); i++) {
      if (i == header.size() - 1) {
        // As Celery: the size is known to the backend before the last header task can run.
        chords.setSize(groupId, header.size());
      }
      Map<String, Object> memberCall = memberOptions(options);
      memberCall.put("group_id", groupId);
      memberCall.put("group_index", i);
      memberCall.put("chord", bodyWire);
      sent.add(apply(header.get(i), args, memberCall));
    }
    return new Sent(bodyId, null, sent);
  }

  private Sent applyChain(SignatureSpec chain, List<Object> extra, Map<String, Object> call) {
    Map<String, Object> options = merge(chain.options(), call);
    List<SignatureSpec> steps = prepareSteps(chain.tasks());
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a chain needs at least one step");
    }
    int last = steps.size() - 1;
    // What places the chain in a group or chord, and its link, belong to its last step; link_error to every step.
    SignatureSpec end = steps.get(last);
    for (String key : List.of("task_id", "group_id", "group_index", "chord")) {
      if (options.containsKey(key)) {
        end = end.withOption(key, options.get(key));
      }
    }
    for (Object link : SignatureSpec.listOption(options.get("link"))) {
      end = end.withListOption("link", castMap(link));
    }
    steps.set(last, end);
    for (Object errback : SignatureSpec.listOption(options.get("link_error"))) {
      for (int i = 0; i < steps.size(); i++) {
        steps.set(i, steps.get(i).withListOption("link_error", castMap(errback)));
      }
    }
    for (int i = 0; i < steps.size(); i++) {
      steps.set(i, freeze(steps.get(i)));
    }
    List<Object> rest = new ArrayList<>();
    for (int i = last; i >= 1; i--) {
      rest.add(steps.get(i).toWire());
    }
    Map<String, Object> firstCall = new LinkedHashMap<>();
    for (String key : List.of("parent_id", "root_id", "priority")) {
      if (options.containsKey(key)) {
        firstCall.put(key, options.get(key));
      }
    }
    if (!rest.isEmpty()) {
      firstCall.put("chain", rest);
    }
    List<Object> args = chain.immutable() ? List.of() : extra;
    Sent first = apply(steps.get(0), args, firstCall);
    if (last == 0) {
      return first;
    }
    SignatureSpec resultStep = steps.get(last);
    String resultId = SignatureSpec.CHORD.equals(resultStep.subtaskType())
        ? string(resultStep.body().options().get("task_id"))
        : string(resultStep.options().get(
            SignatureSpec.GROUP.equals(resultStep.subtaskType()) ? "group_id" : "task_id"));
    return new Sent(resultId, null, List.of(first));
  }

  /**
   * The steps of a chain as Celery's {@code prepare_steps} leaves them: nested chains flattened, and a group
   * followed by a step made a chord with that step as its body.
   */
  static List<SignatureSpec> prepareSteps(List<SignatureSpec> tasks) {
    Deque<SignatureSpec> flat = new ArrayDeque<>();
    for (SignatureSpec task : tasks) {
      if (SignatureSpec.CHAIN.equals(task.subtaskType())) {
        prepareSteps(task.tasks()).forEach(flat::addLast);
      } else {
        flat.addLast(task);
      }
    }
    List<SignatureSpec> steps = new ArrayList<>();
    while (!flat.isEmpty()) {
      SignatureSpec step = flat.removeFirst();
      if (SignatureSpec.GROUP.equals(step.subtaskType()) && !flat.isEmpty()) {
        SignatureSpec chord = SignatureSpec.chord(step, flat.removeFirst());
        steps.add(chord);
      } else {
        steps.add(step);
      }
    }
    return steps;
  }

  /**
   * {@code signature} with the ids its messages will carry assigned now, as Celery's {@code Signature.freeze}: a
   * task's id, a group's id and its members', a chord's group, header and body ids, a chain's first step (as this
   * method freezes it) and last step's id. Applying the result sends exactly those ids.
   */
  public static SignatureSpec frozen(SignatureSpec signature) {
    return frozen(signature, Ids::uuid);
  }

  /**
   * {@link #frozen(SignatureSpec)} with the ids it assigns taken from {@code ids}, in a fixed order: a worker gives
   * a task's follow-ups ids derived from the task's own ({@link Ids#derived}), so that a redelivered task sends
   * them again under the ids its stored result already names, and a chord it starts again joins the same group.
   */
  public static SignatureSpec frozen(SignatureSpec signature, Supplier<String> ids) {
    String type = signature.subtaskType();
    if (SignatureSpec.GROUP.equals(type)) {
      SignatureSpec group = signature;
      if (group.options().get("group_id") == null && group.options().get("task_id") == null) {
        group = group.withOption("group_id", ids.get());
      }
      return group.withKwarg("tasks", frozenMembers(group.tasks(), ids));
    }
    if (SignatureSpec.CHORD.equals(type)) {
      SignatureSpec chord = signature;
      SignatureSpec body = chord.body();
      if (body.options().get("task_id") == null) {
        chord = chord.withKwarg("body", body.withOption("task_id", ids.get()).toWire());
      }
      if (chord.options().get("group_id") == null) {
        chord = chord.withOption("group_id", ids.get());
      }
      List<Object> members = frozenMembers(chord.header(), ids);
      SignatureSpec header =
          chord.kwargs().get("header") instanceof Map<?, ?> wire ? SignatureSpec.fromWire(wire) : null;
      if (header != null && SignatureSpec.GROUP.equals(header.subtaskType())) {
        return chord.withKwarg("header", header.withKwarg("tasks", members).toWire());
      }
      return chord.withKwarg("header", members);
    }
    if (SignatureSpec.CHAIN.equals(type)) {
      List<SignatureSpec> steps = prepareSteps(signature.tasks());
      if (steps.isEmpty()) {
        return signature;
      }
      int last = steps.size() - 1;
      Object chainId = signature.options().get("task_id");
      if (chainId != null && steps.get(last).subtaskType() == null) {
        steps.set(last, steps.get(last).withOption("task_id", chainId));
      }
      // The first step is what applying the chain sends, and what a task applying it records (Celery's add_trail).
      steps.set(0, frozen(steps.get(0), ids));
      SignatureSpec end = steps.get(last);
      if (end.subtaskType() == null && end.options().get("task_id") == null) {
        steps.set(last, end.withOption("task_id", ids.get()));
      }
      List<Object> wire = new ArrayList<>(steps.size());
      steps.forEach(step -> wire.add(step.toWire()));
      return signature.withKwarg("tasks", wire);
    }
    return signature.options().get("task_id") == null ? signature.withOption("task_id", ids.get()) : signature;
  }

  private static List<Object> frozenMembers(List<SignatureSpec> members, Supplier<String> ids) {
    List<Object> out = new ArrayList<>();
    for (SignatureSpec member : flatten(members)) {
      out.add(frozen(member, ids).toWire());
    }
    return out;
  }

  /**
   * What Celery's {@code add_trail} records in the children of a task that applies this {@link #frozen} signature:
   * a task's result, a group's {@code GroupResult}, a chord's header {@code GroupResult} (its body when the header
   * is empty), a chain's first step as this rule records it.
   */
  public static List<Object> trailTuple(SignatureSpec frozen) {
    String type = frozen.subtaskType();
    if (SignatureSpec.CHORD.equals(type)) {
      List<SignatureSpec> header = flatten(frozen.header());
      if (header.isEmpty()) {
        return ResultMeta.taskTuple(string(frozen.body().options().get("task_id")));
      }
      return ResultMeta.groupTuple(string(frozen.options().get("group_id")), memberTuples(header));
    }
    if (SignatureSpec.CHAIN.equals(type)) {
      List<SignatureSpec> steps = prepareSteps(frozen.tasks());
      return steps.isEmpty() ? null : trailTuple(steps.get(0));
    }
    return resultTuple(frozen);
  }

  /**
   * Celery's result tuple of a {@link #frozen} signature, as a group holds it for a member: {@code [[id, null],
   * null]} for a task, a chord (its body) or a chain (its last step), {@code [[group id, null], [member tuples]]}
   * for a group; null for a chain whose last step is itself a group or chord.
   */
  public static List<Object> resultTuple(SignatureSpec frozen) {
    String type = frozen.subtaskType();
    if (SignatureSpec.GROUP.equals(type)) {
      String groupId = string(frozen.options().get("group_id"));
      return ResultMeta.groupTuple(groupId != null ? groupId : string(frozen.options().get("task_id")),
          memberTuples(frozen.tasks()));
    }
    if (SignatureSpec.CHORD.equals(type)) {
      return ResultMeta.taskTuple(string(frozen.body().options().get("task_id")));
    }
    if (SignatureSpec.CHAIN.equals(type)) {
      String id = string(frozen.options().get("task_id"));
      if (id == null) {
        List<SignatureSpec> steps = prepareSteps(frozen.tasks());
        SignatureSpec end = steps.isEmpty() ? null : steps.get(steps.size() - 1);
        id = end == null || end.subtaskType() != null ? null : string(end.options().get("task_id"));
      }
      return id == null ? null : ResultMeta.taskTuple(id);
    }
    return ResultMeta.taskTuple(string(frozen.options().get("task_id")));
  }

  private static List<Object> memberTuples(List<SignatureSpec> members) {
    List<Object> tuples = new ArrayList<>();
    for (SignatureSpec member : members) {
      List<Object> tuple = resultTuple(member);
      if (tuple != null) {
        tuples.add(tuple);
      }
    }
    return tuples;
  }

  /** A step with the id its message will have, so the chain's caller knows it before it runs. */
  private static SignatureSpec freeze(SignatureSpec step) {
    if (SignatureSpec.CHORD.equals(step.subtaskType())) {
      SignatureSpec body = step.body();
      if (body.options().get("task_id") == null) {
        return step.withKwarg("body", body.withOption("task_id", Ids.uuid()).toWire());
      }
      return step;
    }
    String key = SignatureSpec.GROUP.equals(step.subtaskType()) ? "group_id" : "task_id";
    return step.options().get(key) == null ? step.withOption(key, Ids.uuid()) : step;
  }

  /** Nested groups of a group or chord header, flattened in order, as Celery's {@code _freeze_unroll}. */
  private static List<SignatureSpec> flatten(List<SignatureSpec> members) {
    List<SignatureSpec> out = new ArrayList<>();
    for (SignatureSpec member : members) {
      if (SignatureSpec.GROUP.equals(member.subtaskType())) {
        out.addAll(flatten(member.tasks()));
      } else {
        out.add(member);
      }
    }
    return out;
  }

  /** The options of a group or chord call that each member inherits: where it comes from and its delivery. */
  private static Map<String, Object> memberOptions(Map<String, Object> options) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String key : List.of("parent_id", "root_id", "priority", "queue", "countdown", "eta", "expires")) {
      if (options.containsKey(key)) {
        out.put(key, options.get(key));
      }
    }
    return out;
  }

  private String queueFor(String task, Map<String, Object> options) {
    Object queue = options.get("queue");
    if (queue instanceof String name && !name.isEmpty()) {
      return name;
    }
    if (queue instanceof Map<?, ?> declared && declared.get("name") instanceof String name) {
      return name;
    }
    Object exchange = options.get("exchange");
    if (options.get("routing_key") instanceof String key && (exchange == null || "".equals(exchange))) {
      return key;
    }
    String own = queueOf.apply(task);
    return own != null ? own : DEFAULT_QUEUE;
  }

  private static Object listOrNull(Object value) {
    List<Object> list = SignatureSpec.listOption(value);
    return list.isEmpty() ? null : list;
  }

  private static Integer seconds(Object value) {
    return value instanceof Number number ? (int) Math.ceil(number.doubleValue()) : null;
  }

  private static String string(Object value) {
    return value == null ? null : value.toString();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object value) {
    return (Map<String, Object>) value;
  }
}
