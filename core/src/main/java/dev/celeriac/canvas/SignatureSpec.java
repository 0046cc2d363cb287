package dev.celeriac.canvas;

import dev.celeriac.protocol.MalformedMessageException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A signature as Celery encodes it (the JSON form of {@code celery.canvas.Signature}): {@code task},
 * {@code args}, {@code kwargs}, {@code options}, {@code subtask_type} (null, {@code chain}, {@code group} or
 * {@code chord}) and {@code immutable}. Chains and groups keep their members in {@code kwargs.tasks}; a chord its
 * {@code kwargs.header} and {@code kwargs.body}. Immutable.
 */
public record SignatureSpec(String task, List<Object> args, Map<String, Object> kwargs, Map<String, Object> options,
    String subtaskType, boolean immutable) {

  public static final String CHAIN = "chain";
  public static final String GROUP = "group";
  public static final String CHORD = "chord";

  public SignatureSpec {
    args = Collections.unmodifiableList(new ArrayList<>(args));
    kwargs = Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
    options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  /** A plain task signature. */
  public static SignatureSpec task(String name, List<Object> args, Map<String, Object> kwargs) {
    return new SignatureSpec(name, args, kwargs, Map.of(), null, false);
  }

  /** {@code celery.chain} of {@code steps}, as {@code chain(...)} encodes it. */
  public static SignatureSpec chain(List<SignatureSpec> steps) {
    return new SignatureSpec("celery.chain", List.of(), Map.of("tasks", wire(steps)), Map.of(), CHAIN, false);
  }

  /** {@code celery.group} of {@code members}, as {@code group(...)} encodes it. */
  public static SignatureSpec group(List<SignatureSpec> members) {
    return new SignatureSpec("celery.group", List.of(), Map.of("tasks", wire(members)), Map.of(), GROUP, false);
  }

  /** {@code celery.chord} of a header group and a body, as {@code chord(header, body)} encodes it. */
  public static SignatureSpec chord(SignatureSpec header, SignatureSpec body) {
    Map<String, Object> kwargs = new LinkedHashMap<>();
    kwargs.put("kwargs", Map.of());
    kwargs.put("header", header.toWire());
    kwargs.put("body", body.toWire());
    return new SignatureSpec("celery.chord", List.of(), kwargs, Map.of(), CHORD, false);
  }

  /**
   * Reads a signature dict from a message.
   *
   * @throws MalformedMessageException when {@code value} is not a signature dict
   */
  @SuppressWarnings("unchecked")
  public static SignatureSpec fromWire(Object value) {
    if (!(value instanceof Map<?, ?> map)) {
      throw new MalformedMessageException("a signature is not a JSON object: " + value);
    }
    Object task = map.get("task");
    Object args = map.get("args");
    Object kwargs = map.get("kwargs");
    Object options = map.get("options");
    Object type = map.get("subtask_type");
    if (!(task instanceof String name)) {
      throw new MalformedMessageException("a signature has no task name: " + value);
    }
    if (args != null && !(args instanceof List)) {
      throw new MalformedMessageException("signature args is not a list: " + value);
    }
    if (kwargs != null && !(kwargs instanceof Map)) {
      throw new MalformedMessageException("signature kwargs is not an object: " + value);
    }
    if (options != null && !(options instanceof Map)) {
      throw new MalformedMessageException("signature options is not an object: " + value);
    }
    if (type != null && !(type instanceof String)) {
      throw new MalformedMessageException("signature subtask_type is not a string: " + value);
    }
    return new SignatureSpec(name, args == null ? List.of() : (List<Object>) args,
        kwargs == null ? Map.of() : (Map<String, Object>) kwargs,
        options == null ? Map.of() : (Map<String, Object>) options, (String) type,
        Boolean.TRUE.equals(map.get("immutable")));
  }

  /** The dict Celery writes, keys in Celery's order. */
  public Map<String, Object> toWire() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("task", task);
    out.put("args", args);
    out.put("kwargs", kwargs);
    out.put("options", options);
    out.put("subtask_type", subtaskType);
    out.put("immutable", immutable);
    return out;
  }

  /** Members of a chain or group ({@code kwargs.tasks}). */
  public List<SignatureSpec> tasks() {
    Object tasks = kwargs.get("tasks");
    if (tasks instanceof Map<?, ?> single) {
      return List.of(fromWire(single));
    }
    if (!(tasks instanceof List<?> list)) {
      throw new MalformedMessageException("a " + subtaskType + " signature has no tasks list: " + kwargs);
    }
    List<SignatureSpec> out = new ArrayList<>(list.size());
    list.forEach(member -> out.add(fromWire(member)));
    return out;
  }

  /** A chord's header: its group's members. */
  public List<SignatureSpec> header() {
    Object header = kwargs.get("header");
    if (header instanceof List<?> list) {
      List<SignatureSpec> out = new ArrayList<>(list.size());
      list.forEach(member -> out.add(fromWire(member)));
      return out;
    }
    SignatureSpec group = fromWire(header);
    return GROUP.equals(group.subtaskType()) ? group.tasks() : List.of(group);
  }

  /** A chord's body. */
  public SignatureSpec body() {
    return fromWire(kwargs.get("body"));
  }

  /** This signature with {@code name} set in its kwargs (a group's tasks, a chord's header or body). */
  public SignatureSpec withKwarg(String name, Object value) {
    Map<String, Object> changed = new LinkedHashMap<>(kwargs);
    changed.put(name, value);
    return new SignatureSpec(task, args, changed, options, subtaskType, immutable);
  }

  /** This signature with {@code name} set in its options. */
  public SignatureSpec withOption(String name, Object value) {
    Map<String, Object> changed = new LinkedHashMap<>(options);
    changed.put(name, value);
    return new SignatureSpec(task, args, kwargs, changed, subtaskType, immutable);
  }

  /** This signature with {@code more} added to the list option {@code name} ({@code link}, {@code link_error}). */
  public SignatureSpec withListOption(String name, Map<String, Object> more) {
    List<Object> list = new ArrayList<>(listOption(options.get(name)));
    list.add(more);
    return withOption(name, list);
  }

  /** This signature marked immutable: the parent's result is not prepended to its args. */
  public SignatureSpec asImmutable() {
    return new SignatureSpec(task, args, kwargs, options, subtaskType, true);
  }

  /** A signature option that may be one dict or a list of them ({@code link}, {@code link_error}), as a list. */
  @SuppressWarnings("unchecked")
  static List<Object> listOption(Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof List<?> list) {
      return (List<Object>) list;
    }
    return List.of(value);
  }

  private static List<Object> wire(List<SignatureSpec> signatures) {
    List<Object> out = new ArrayList<>(signatures.size());
    signatures.forEach(signature -> out.add(signature.toWire()));
    return out;
  }
}
