package dev.celeriac.protocol;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One Celery task message, independent of the transport: the protocol v2 headers, the message properties
 * and the body bytes. Headers and properties keep every entry they arrived with, so a retry or a restore
 * passes on what this runtime does not itself read. Immutable.
 */
public final class TaskMessage {

  /** The only content type that is executed. */
  public static final String JSON = "application/json";

  /** The headers the runtime itself reads; what {@link #header} consults before the full map is built. */
  static final java.util.Set<String> READ_HEADERS =
      java.util.Set.of("task", "id", "retries", "eta", "expires", "root_id", "parent_id", "compression");

  /** Every header; null until first asked for when the message was decoded with {@link #lazy}. */
  private volatile Map<String, Object> headers;
  /** The raw JSON object the full headers are read from on demand, or null. */
  private final byte[] headersJson;
  /** The {@link #READ_HEADERS} present in {@link #headersJson}, read eagerly. */
  private final Map<String, Object> readHeaders;
  private final Map<String, Object> properties;
  private final String contentType;
  private final String contentEncoding;
  private final byte[] body;

  public TaskMessage(Map<String, Object> headers, Map<String, Object> properties, String contentType,
      String contentEncoding, byte[] body) {
    this(Collections.unmodifiableMap(new LinkedHashMap<>(headers)),
        Collections.unmodifiableMap(new LinkedHashMap<>(properties)), contentType, contentEncoding, body.clone(),
        true);
  }

  // 'owned' is never read: it only tells this constructor, which keeps the maps and bytes it is given, from the
  // public one, which copies them.
  @SuppressWarnings("UnusedVariable")
  private TaskMessage(Map<String, Object> headers, Map<String, Object> properties, String contentType,
      String contentEncoding, byte[] body, boolean owned) {
    this.headers = headers;
    this.headersJson = null;
    this.readHeaders = headers;
    this.properties = properties;
    this.contentType = contentType;
    this.contentEncoding = contentEncoding;
    this.body = body;
  }

  private TaskMessage(byte[] headersJson, Map<String, Object> readHeaders, Map<String, Object> properties,
      String contentType, String contentEncoding, byte[] body) {
    this.headers = null;
    this.headersJson = headersJson;
    this.readHeaders = readHeaders;
    this.properties = properties;
    this.contentType = contentType;
    this.contentEncoding = contentEncoding;
    this.body = body;
  }

  /**
   * A decoded message whose full headers stay raw JSON until {@link #headers()} is called: a worker reads
   * only {@link #READ_HEADERS}, and only retries and restores need the rest.
   */
  static TaskMessage lazy(byte[] headersJson, Map<String, Object> readHeaders, Map<String, Object> properties,
      String contentType, String contentEncoding, byte[] body) {
    return new TaskMessage(headersJson, readHeaders, Collections.unmodifiableMap(properties), contentType,
        contentEncoding, body);
  }

  /** A message over maps and bytes the caller built for it and hands over: no copies. */
  static TaskMessage owning(Map<String, Object> headers, Map<String, Object> properties, String contentType,
      String contentEncoding, byte[] body) {
    return new TaskMessage(Collections.unmodifiableMap(headers), Collections.unmodifiableMap(properties),
        contentType, contentEncoding, body, true);
  }

  /** Every header, in arrival order; values are JSON-like (String, Number, Boolean, List, Map or null). */
  public Map<String, Object> headers() {
    Map<String, Object> all = headers;
    if (all == null) {
      all = Collections.unmodifiableMap(KombuEnvelope.readHeaders(headersJson));
      headers = all;
    }
    return all;
  }

  /**
   * The headers named, those present, without building the full map when it was not built yet: what task events
   * read of every message ({@code argsrepr}, {@code kwargsrepr}, ...), at the cost of a scan.
   *
   * @throws MalformedMessageException when the headers are not a JSON object
   */
  public Map<String, Object> headers(java.util.Set<String> names) {
    Map<String, Object> all = headers;
    Map<String, Object> found = new LinkedHashMap<>();
    if (all != null) {
      for (String name : names) {
        if (all.containsKey(name)) {
          found.put(name, all.get(name));
        }
      }
      return found;
    }
    try {
      JsonReader in = new JsonReader(headersJson);
      in.expect('{');
      if (!in.consume('}')) {
        do {
          String name = in.readString();
          in.expect(':');
          if (names.contains(name)) {
            found.put(name, in.readValue());
          } else {
            in.skipValue();
          }
        } while (in.consume(','));
        in.expect('}');
      }
      return found;
    } catch (JsonReader.SyntaxError e) {
      throw new MalformedMessageException("headers are not a JSON object: " + e.getMessage(), e);
    }
  }

  /** One header; for the headers the runtime reads this never builds the full map. */
  private Object header(String name) {
    Map<String, Object> all = headers;
    if (all != null) {
      return all.get(name);
    }
    return READ_HEADERS.contains(name) ? readHeaders.get(name) : headers().get(name);
  }

  /** Message properties other than the transport's own (correlation_id, reply_to, priority, ...). */
  public Map<String, Object> properties() {
    return properties;
  }

  /** The content type, or null when the message has none. */
  public String contentType() {
    return contentType;
  }

  /** The content encoding, or null when the message has none ({@code utf-8} is then assumed). */
  public String contentEncoding() {
    return contentEncoding;
  }

  public byte[] body() {
    return body.clone();
  }

  /** The body's length in bytes, without copying it. */
  public int bodyLength() {
    return body.length;
  }

  byte[] bodyUnsafe() {
    return body;
  }

  /** The {@code task} header: the task name, or null for a message that is not protocol v2. */
  public String task() {
    return stringHeader("task");
  }

  /** The {@code id} header, or null. */
  public String id() {
    return stringHeader("id");
  }

  public String rootId() {
    return stringHeader("root_id");
  }

  public String parentId() {
    return stringHeader("parent_id");
  }

  /** The {@code retries} header: how many times this task has been retried before this message. */
  public int retries() {
    Object value = header("retries");
    if (value == null) {
      return 0;
    }
    if (value instanceof Number number && number.longValue() >= 0 && number.longValue() <= Integer.MAX_VALUE) {
      return number.intValue();
    }
    throw new MalformedMessageException("header 'retries' is not a non-negative integer: " + value);
  }

  /** The {@code eta} header: the earliest time to run. */
  public Optional<Instant> eta() {
    return timeHeader("eta");
  }

  /** The {@code expires} header: the time after which the message is discarded instead of run. */
  public Optional<Instant> expires() {
    return timeHeader("expires");
  }

  /**
   * When the producer sent the message ({@link MessageCodec#SENT_AT}), if it says so readably: only Celeriac
   * producers write it, and a bad value only costs a metric sample, never the message.
   */
  public Optional<Instant> sentAt() {
    try {
      return timeHeader(MessageCodec.SENT_AT);
    } catch (MalformedMessageException e) {
      return Optional.empty();
    }
  }

  /** The {@code compression} header: the MIME type of a compressed body, or null. */
  public String compression() {
    return stringHeader("compression");
  }

  /** The {@code priority} property, 0 when absent. */
  public int priority() {
    return properties.get("priority") instanceof Number number ? number.intValue() : 0;
  }

  /** A copy whose headers are these plus {@code changes} (a null value sets the header to null). */
  public TaskMessage withHeaders(Map<String, Object> changes) {
    Map<String, Object> merged = new LinkedHashMap<>(headers());
    merged.putAll(changes);
    return new TaskMessage(merged, properties, contentType, contentEncoding, body);
  }

  /** A copy with these properties instead. */
  public TaskMessage withProperties(Map<String, Object> replacement) {
    return new TaskMessage(headers(), replacement, contentType, contentEncoding, body, true);
  }

  private String stringHeader(String name) {
    Object value = header(name);
    return value == null ? null : value.toString();
  }

  private Optional<Instant> timeHeader(String name) {
    Object value = header(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String text)) {
      throw new MalformedMessageException("header '" + name + "' is not an ISO-8601 string: " + value);
    }
    return Optional.of(Timestamps.parse(text));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TaskMessage other
        && headers().equals(other.headers())
        && properties.equals(other.properties)
        && Objects.equals(contentType, other.contentType)
        && Objects.equals(contentEncoding, other.contentEncoding)
        && Arrays.equals(body, other.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(headers(), properties, contentType, contentEncoding, Arrays.hashCode(body));
  }

  @Override
  public String toString() {
    return task() + "[" + id() + "]";
  }
}
