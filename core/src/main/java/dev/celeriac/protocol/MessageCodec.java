package dev.celeriac.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.InflaterInputStream;

/**
 * Builds and reads Celery protocol v2 messages: the headers Celery 5 writes, the
 * {@code [args, kwargs, embed]} JSON body, and the retry message Celery's {@code Task.retry} publishes.
 */
public final class MessageCodec {

  private static final Map<String, Object> EMPTY_EMBED = embed();

  /**
   * The one header Celeriac adds to Celery's: when the producer sent the message, ISO-8601 like {@code eta}.
   * The worker's queue-latency metric reads it. Celery workers ignore headers they don't know; a retry keeps
   * the original's, since its latency counts from its {@code eta}.
   */
  public static final String SENT_AT = "celeriac_sent_at";

  private static final String ORIGIN = "gen" + ProcessHandle.current().pid() + "@" + hostName();

  private MessageCodec() {}

  /** This process's name as Celery gives a client's, {@code gen<pid>@<host>}: the {@code origin} header. */
  public static String origin() {
    return ORIGIN;
  }

  /** What a new message says; null fields are left out or null on the wire. */
  public record NewMessage(
      String taskName,
      String id,
      List<Object> args,
      Map<String, Object> kwargs,
      Instant eta,
      Instant expiresAt,
      Duration expiresIn,
      String parentId,
      String rootId,
      Integer priority,
      Duration timeLimit,
      Instant sentAt,
      boolean ignoreResult) {

    /** A message that asks for no result ({@code ignore_result: true}). */
    public NewMessage(String taskName, String id, List<Object> args, Map<String, Object> kwargs, Instant eta,
        Instant expiresAt, Duration expiresIn, String parentId, String rootId, Integer priority,
        Duration timeLimit, Instant sentAt) {
      this(taskName, id, args, kwargs, eta, expiresAt, expiresIn, parentId, rootId, priority, timeLimit, sentAt, true);
    }

    /** A message without {@link MessageCodec#SENT_AT}, exactly as Celery writes one. */
    public NewMessage(String taskName, String id, List<Object> args, Map<String, Object> kwargs, Instant eta,
        Instant expiresAt, Duration expiresIn, String parentId, String rootId, Integer priority,
        Duration timeLimit) {
      this(taskName, id, args, kwargs, eta, expiresAt, expiresIn, parentId, rootId, priority, timeLimit, null);
    }
  }

  /**
   * A fresh task message as Celery 5 writes one: {@code retries} 0, {@code root_id} the id itself unless
   * the message is sent from within another task, every argument in {@code kwargs}.
   */
  public static TaskMessage newMessage(NewMessage spec) {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("lang", "java");
    headers.put("task", spec.taskName());
    headers.put("id", spec.id());
    headers.put("shadow", null);
    headers.put("eta", spec.eta() == null ? null : Timestamps.format(spec.eta()));
    headers.put("expires", spec.expiresAt() == null ? null : Timestamps.format(spec.expiresAt()));
    headers.put("group", null);
    headers.put("group_index", null);
    headers.put("retries", 0);
    // Integer, not Long: AMQP header tables must hold only types py-amqp reads back (docs/wire-format.md §4.2).
    Integer hardLimit = spec.timeLimit() == null || spec.timeLimit().isZero()
        ? null : (int) Math.min(Integer.MAX_VALUE, spec.timeLimit().toSeconds());
    headers.put("timelimit", Arrays.asList(hardLimit, null));
    headers.put("root_id", spec.rootId() != null ? spec.rootId() : spec.id());
    headers.put("parent_id", spec.parentId());
    headers.put("argsrepr", PythonRepr.tuple(spec.args()));
    headers.put("kwargsrepr", PythonRepr.dict(spec.kwargs()));
    headers.put("origin", ORIGIN);
    // As Celery's: the task's ignore_result, which tells a worker not to store its SUCCESS.
    headers.put("ignore_result", spec.ignoreResult());
    headers.put("replaced_task_nesting", 0);
    headers.put("stamped_headers", null);
    headers.put("stamps", Map.of());
    if (spec.sentAt() != null) {
      headers.put(SENT_AT, Timestamps.format(spec.sentAt()));
    }

    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("correlation_id", spec.id());
    properties.put("reply_to", "");
    properties.put("delivery_mode", 2);
    properties.put("priority", spec.priority() == null ? 0 : spec.priority());
    if (spec.expiresIn() != null) {
      properties.put("expiration", Long.toString(spec.expiresIn().toMillis()));
    }
    return TaskMessage.owning(headers, properties, TaskMessage.JSON, "utf-8", encodeBody(spec.args(), spec.kwargs()));
  }

  /**
   * The message that retries {@code original}, as Celery's {@code Task.retry} builds it: the same id, body
   * and properties, {@code retries} + 1 and the new {@code eta}; {@code parent_id} and {@code root_id}
   * become the task's own id where they were empty. The broker TTL ({@code expiration}) is what remains
   * of {@code expires} at {@code now}.
   */
  public static TaskMessage retryOf(TaskMessage original, Instant eta, Instant now) {
    Map<String, Object> changes = new LinkedHashMap<>();
    changes.put("retries", original.retries() + 1);
    changes.put("eta", Timestamps.format(eta));
    if (original.parentId() == null) {
      changes.put("parent_id", original.id());
    }
    if (original.rootId() == null) {
      changes.put("root_id", original.id());
    }
    TaskMessage retry = original.withHeaders(changes);
    if (!original.properties().containsKey("expiration")) {
      return retry;
    }
    Map<String, Object> properties = new LinkedHashMap<>(original.properties());
    original.expires().ifPresentOrElse(
        expires -> properties.put("expiration", Long.toString(Math.max(0, expires.toEpochMilli() - now.toEpochMilli()))),
        () -> properties.remove("expiration"));
    return retry.withProperties(properties);
  }

  /** The body {@code [args, kwargs, embed]}, as UTF-8 JSON; {@code embed} holds callbacks, errbacks, chain, chord. */
  public static byte[] encodeBody(List<Object> args, Map<String, Object> kwargs, Map<String, Object> embed) {
    return new JsonWriter(256).raw('[').value(args).raw(',').value(kwargs).raw(',').value(embed).raw(']')
        .toByteArray();
  }

  /** The body {@code [args, kwargs, embed]} with an empty embed, as UTF-8 JSON. */
  public static byte[] encodeBody(List<Object> args, Map<String, Object> kwargs) {
    return new JsonWriter(256).raw('[').value(args).raw(',').value(kwargs).raw(',').value(EMPTY_EMBED).raw(']')
        .toByteArray();
  }

  /**
   * Reads the body of a JSON protocol v2 message.
   *
   * @throws MalformedMessageException for another content type or encoding, an unknown compression, or
   *     a body that is not a JSON array {@code [list, object, object-or-null]}
   */
  public static TaskPayload decodeBody(TaskMessage message) {
    if (!TaskMessage.JSON.equals(message.contentType())) {
      throw new MalformedMessageException("content type is '" + message.contentType()
          + "'; only application/json protocol v2 messages are executed (pickle is never deserialized)");
    }
    String encoding = message.contentEncoding();
    if (encoding != null && !encoding.equalsIgnoreCase("utf-8") && !encoding.equalsIgnoreCase("utf8")) {
      throw new MalformedMessageException("content encoding '" + encoding + "' is not utf-8");
    }
    byte[] body = decompress(message);
    Object[] parts = new Object[3];
    try {
      JsonReader in = new JsonReader(body);
      if (!in.consume('[')) {
        throw notV2(body);
      }
      for (int i = 0; i < 3; i++) {
        if ((i > 0 && !in.consume(',')) || in.peek() == ']') {
          throw notV2(body);
        }
        parts[i] = in.readValue();
      }
      if (!in.consume(']')) {
        throw notV2(body);
      }
      in.expectEnd();
    } catch (JsonReader.SyntaxError e) {
      throw new MalformedMessageException("body is not JSON: " + e.getMessage(), e);
    }
    if (!(parts[0] instanceof List)) {
      throw new MalformedMessageException("body args is not a list: " + abbreviate(String.valueOf(parts[0])));
    }
    if (!(parts[1] instanceof Map)) {
      throw new MalformedMessageException("body kwargs is not an object: " + abbreviate(String.valueOf(parts[1])));
    }
    if (parts[2] != null && !(parts[2] instanceof Map)) {
      throw new MalformedMessageException("body embed is neither an object nor null: "
          + abbreviate(String.valueOf(parts[2])));
    }
    @SuppressWarnings("unchecked")
    List<Object> args = (List<Object>) parts[0];
    @SuppressWarnings("unchecked")
    Map<String, Object> kwargs = (Map<String, Object>) parts[1];
    @SuppressWarnings("unchecked")
    Map<String, Object> embed = (Map<String, Object>) parts[2];
    return new TaskPayload(args, kwargs, embed);
  }

  private static MalformedMessageException notV2(byte[] body) {
    return new MalformedMessageException("body is not the protocol v2 array [args, kwargs, embed]: "
        + abbreviate(new String(body, StandardCharsets.UTF_8)));
  }

  /** The size a message takes on the wire, near enough for the size cap: its body plus its headers as JSON. */
  public static long sizeOf(TaskMessage message) {
    return (long) message.bodyLength() + new JsonWriter(1024).value(message.headers()).toByteArray().length;
  }

  static byte[] decompress(TaskMessage message) {
    String compression = message.compression();
    if (compression == null) {
      return message.bodyUnsafe();
    }
    // kombu registers zlib under this MIME type (kombu/compression.py).
    if ("application/x-gzip".equals(compression) || "zlib".equals(compression)) {
      try (InputStream in = new InflaterInputStream(new java.io.ByteArrayInputStream(message.bodyUnsafe()))) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
      } catch (IOException e) {
        throw new MalformedMessageException("body does not inflate as zlib: " + e.getMessage(), e);
      }
    }
    throw new MalformedMessageException("compression '" + compression + "' is not supported (only zlib)");
  }

  private static Map<String, Object> embed() {
    Map<String, Object> embed = new LinkedHashMap<>();
    embed.put("callbacks", null);
    embed.put("errbacks", null);
    embed.put("chain", null);
    embed.put("chord", null);
    return Collections.unmodifiableMap(embed);
  }

  static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "…";
  }

  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      String jvm = ManagementFactory.getRuntimeMXBean().getName();
      int at = jvm.indexOf('@');
      return at >= 0 ? jvm.substring(at + 1) : "localhost";
    }
  }

  /** Python's {@code repr()} of a JSON-like value, as Celery's texts show values: {@code 'a'}, {@code None}, {@code [1, 2]}. */
  public static String repr(Object value) {
    StringBuilder out = new StringBuilder();
    PythonRepr.value(out, value);
    return out.toString();
  }

  /** Python {@code repr()} of argument lists and dicts, for the {@code argsrepr}/{@code kwargsrepr} headers. */
  static final class PythonRepr {
    private static final int MAX = 1024;

    private PythonRepr() {}

    static String tuple(List<Object> args) {
      StringBuilder out = new StringBuilder("(");
      for (int i = 0; i < args.size(); i++) {
        if (i > 0) {
          out.append(", ");
        }
        value(out, args.get(i));
      }
      if (args.size() == 1) {
        out.append(',');
      }
      return cap(out.append(')'));
    }

    static String dict(Map<String, Object> kwargs) {
      StringBuilder out = new StringBuilder();
      value(out, kwargs);
      return cap(out);
    }

    private static void value(StringBuilder out, Object value) {
      if (value == null) {
        out.append("None");
      } else if (value instanceof Boolean b) {
        out.append(b ? "True" : "False");
      } else if (value instanceof String s) {
        out.append('\'').append(s.replace("\\", "\\\\").replace("'", "\\'")).append('\'');
      } else if (value instanceof Map<?, ?> map) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          if (!first) {
            out.append(", ");
          }
          first = false;
          value(out, entry.getKey());
          out.append(": ");
          value(out, entry.getValue());
        }
        out.append('}');
      } else if (value instanceof List<?> list) {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          if (i > 0) {
            out.append(", ");
          }
          value(out, list.get(i));
        }
        out.append(']');
      } else {
        out.append(value);
      }
    }

    private static String cap(StringBuilder out) {
      return out.length() <= MAX ? out.toString() : out.substring(0, MAX - 3) + "...";
    }
  }
}
