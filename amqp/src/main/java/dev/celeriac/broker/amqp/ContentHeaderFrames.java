package dev.celeriac.broker.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.Frame;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Makes the header table of a received content-header frame readable by amqp-client, before amqp-client parses
 * it.
 *
 * <p>py-amqp, and so every Celery producer, writes an integer beyond 32 bits as field type {@code L}, the AMQP
 * 0-9-1 spec's signed 64-bit integer, at any depth of the table. RabbitMQ accepts it and forwards it as sent.
 * amqp-client 5 knows the same eight bytes only under RabbitMQ's tag {@code l}, and on {@code L} throws
 * {@code MalformedFrameException} out of its reading loop, which fails the whole connection: every message
 * unacked on it comes back, and the same message fails the next connection too. Rewriting the tag byte in
 * place fixes that without allocating; a frame without {@code L} is only walked.
 *
 * <p>A table amqp-client could still not read (a type no client defines, a length past its end: RabbitMQ
 * 3.10 refuses such tables at publish, other brokers may not) is cut before the top-level field that holds
 * the fault, and {@link #UNREADABLE_HEADER} says where and why. The message is then refused by the worker
 * (dead-lettered with that reason) instead of failing the connection. The other properties are kept unless the
 * table's own length is wrong, in which case they can't be found and only content type and encoding remain.
 */
final class ContentHeaderFrames {

  /** The field that replaces the unreadable rest of a header table; its value says what was wrong. */
  static final String UNREADABLE_HEADER = AmqpBroker.DEAD_HEADER_PREFIX + "unreadable-headers";

  private static final int BASIC_CLASS = 60;
  /** Class id, weight and body size come before the property flags. */
  private static final int FLAGS_AT = 12;
  private static final int CONTENT_TYPE = 0x8000;
  private static final int CONTENT_ENCODING = 0x4000;
  private static final int HEADERS = 0x2000;

  private ContentHeaderFrames() {}

  /** {@code frame} itself, its header table made readable in place where that is needed; or a replacement. */
  static Frame readable(Frame frame) {
    if (frame.type != AMQP.FRAME_HEADER) {
      return frame;
    }
    byte[] payload = frame.getPayload(); // the frame's own array for a frame read from the wire
    if (payload.length < FLAGS_AT + 2 || u16(payload, 0) != BASIC_CLASS) {
      return frame;
    }
    int flags = u16(payload, FLAGS_AT);
    if ((flags & HEADERS) == 0) {
      return frame;
    }
    // The properties in order: content type and content encoding (short strings), then the table.
    int at = FLAGS_AT + 2;
    if ((flags & CONTENT_TYPE) != 0 && at < payload.length) {
      at += 1 + (payload[at] & 0xff);
    }
    if ((flags & CONTENT_ENCODING) != 0 && at < payload.length) {
      at += 1 + (payload[at] & 0xff);
    }
    if (at + 4 > payload.length) {
      return frame; // malformed before the table: amqp-client says so, as it always did
    }
    int tableAt = at;
    long length = u32(payload, tableAt);
    int fieldsAt = tableAt + 4;
    if (length > payload.length - fieldsAt) {
      return replaced(frame, flags & (CONTENT_TYPE | CONTENT_ENCODING | HEADERS), tableAt, fieldsAt, fieldsAt,
          payload.length, "the header table's length (" + length + " bytes) runs past the frame's end");
    }
    int end = fieldsAt + (int) length;
    int field = fieldsAt;
    while (field < end) {
      try {
        field = skipField(payload, field, end);
      } catch (Unreadable unreadable) {
        return replaced(frame, flags, tableAt, fieldsAt, field, end,
            "header '" + shortString(payload, field, end) + "' can't be read: " + unreadable.getMessage());
      }
    }
    return frame;
  }

  /**
   * A frame whose header table keeps the fields in {@code [fieldsAt, cut)} and ends with
   * {@link #UNREADABLE_HEADER}; what followed the table ({@code rest} on) is kept.
   */
  private static Frame replaced(Frame frame, int flags, int tableAt, int fieldsAt, int cut, int rest, String why) {
    byte[] payload = frame.getPayload();
    byte[] name = UNREADABLE_HEADER.getBytes(StandardCharsets.UTF_8);
    byte[] reason = why.getBytes(StandardCharsets.UTF_8);
    int marker = 1 + name.length + 1 + 4 + reason.length;
    int kept = cut - fieldsAt;
    int tail = payload.length - rest;
    byte[] rewritten = Arrays.copyOf(payload, fieldsAt + kept + marker + tail);
    rewritten[FLAGS_AT] = (byte) (flags >>> 8);
    rewritten[FLAGS_AT + 1] = (byte) flags;
    putU32(rewritten, tableAt, kept + marker);
    int at = fieldsAt + kept;
    rewritten[at++] = (byte) name.length;
    System.arraycopy(name, 0, rewritten, at, name.length);
    at += name.length;
    rewritten[at++] = 'S';
    putU32(rewritten, at, reason.length);
    at += 4;
    System.arraycopy(reason, 0, rewritten, at, reason.length);
    at += reason.length;
    System.arraycopy(payload, rest, rewritten, at, tail);
    return new Frame(frame.type, frame.channel, rewritten);
  }

  /** Skips the field (a short-string name and a value) at {@code at}; returns where the next begins. */
  private static int skipField(byte[] payload, int at, int end) throws Unreadable {
    int valueAt = at + 1 + (payload[at] & 0xff);
    if (valueAt >= end) {
      throw new Unreadable("its name runs past the end of its table");
    }
    return skipValue(payload, valueAt, end);
  }

  /**
   * Skips the tagged value at {@code at}, rewriting {@code L} to {@code l} at any depth; returns where the next
   * field begins. The types are those amqp-client's {@code ValueReader} reads, plus {@code L}.
   */
  private static int skipValue(byte[] payload, int at, int end) throws Unreadable {
    int tag = payload[at] & 0xff;
    int valueAt = at + 1;
    int next = switch (tag) {
      case 'L' -> {
        payload[at] = 'l'; // the spec's signed 64-bit integer, as py-amqp writes it: RabbitMQ's 'l'
        yield valueAt + 8;
      }
      case 'l', 'd', 'T' -> valueAt + 8;
      case 'I', 'i', 'f' -> valueAt + 4;
      case 'D' -> valueAt + 5;
      case 's', 'u' -> valueAt + 2;
      case 'b', 'B', 't' -> valueAt + 1;
      case 'V' -> valueAt;
      case 'S', 'x', 'F', 'A' -> {
        if (valueAt + 4 > end) {
          throw new Unreadable("its length runs past the end of its table");
        }
        long length = u32(payload, valueAt);
        if (length > end - (valueAt + 4)) {
          throw new Unreadable("its length (" + length + " bytes) runs past the end of its table");
        }
        int contentAt = valueAt + 4;
        int contentEnd = contentAt + (int) length;
        if (tag == 'F') {
          for (int field = contentAt; field < contentEnd; ) {
            field = skipField(payload, field, contentEnd);
          }
        } else if (tag == 'A') {
          for (int value = contentAt; value < contentEnd; ) {
            value = skipValue(payload, value, contentEnd);
          }
        }
        yield contentEnd;
      }
      default -> throw new Unreadable(String.format("field type '%s' (0x%02x) is none that RabbitMQ's Java client"
          + " or py-amqp writes", tag > ' ' && tag < 0x7f ? (char) tag : '?', tag));
    };
    if (next > end) {
      throw new Unreadable("its value runs past the end of its table");
    }
    return next;
  }

  private static String shortString(byte[] payload, int at, int end) {
    int length = Math.min(payload[at] & 0xff, end - at - 1);
    return new String(payload, at + 1, length, StandardCharsets.UTF_8);
  }

  private static int u16(byte[] bytes, int at) {
    return (bytes[at] & 0xff) << 8 | (bytes[at + 1] & 0xff);
  }

  private static long u32(byte[] bytes, int at) {
    return ((long) (bytes[at] & 0xff) << 24) | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8
        | (bytes[at + 3] & 0xff);
  }

  private static void putU32(byte[] bytes, int at, int value) {
    bytes[at] = (byte) (value >>> 24);
    bytes[at + 1] = (byte) (value >>> 16);
    bytes[at + 2] = (byte) (value >>> 8);
    bytes[at + 3] = (byte) value;
  }

  /** Why a table can't be read; thrown only on that rare path, without a stack trace. */
  private static final class Unreadable extends Exception {
    Unreadable(String message) {
      super(message, null, false, false);
    }
  }
}
