package dev.celeriac.broker.amqp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.MalformedFrameException;
import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Frame;
import dev.celeriac.protocol.MalformedMessageException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Content-header frames as py-amqp writes them, made readable before amqp-client parses them; amqp-client's
 * own parser ({@code AMQImpl.readContentHeaderFrom}, what a consumer connection runs) is the judge.
 */
class ContentHeaderFramesTest {

  @Test
  void pyAmqpsSigned64BitIntegersBecomeAmqpClientsInPlace() throws IOException {
    byte[] table = entries(
        field("task", string("tasks.add")),
        field("big", int64('L', 1L << 40)),
        field("negative", int64('L', -(1L << 40))),
        field("nested", table(field("deep", int64('L', 1L << 35)), field("small", int32(1)))),
        field("listed", array(int64('L', 1L << 62), string("x"), array(int64('L', -(1L << 50))))),
        field("long_text", string("x".repeat(65536))));
    Frame frame = contentHeader(table);
    assertThrows(MalformedFrameException.class, () -> parse(frame), "what failed the whole connection");

    Frame readable = ContentHeaderFrames.readable(frame);
    assertSame(frame, readable, "rewritten in place, nothing allocated");
    AMQP.BasicProperties properties = parse(readable);
    Map<String, Object> headers = AmqpHeaders.fromTable(properties.getHeaders());
    assertEquals("tasks.add", headers.get("task"));
    assertEquals(1L << 40, headers.get("big"));
    assertEquals(-(1L << 40), headers.get("negative"));
    assertEquals(Map.of("deep", 1L << 35, "small", 1), headers.get("nested"));
    assertEquals(List.of(1L << 62, "x", List.of(-(1L << 50))), headers.get("listed"));
    assertEquals(65536, ((String) headers.get("long_text")).length());
    assertOtherPropertiesKept(properties);
  }

  @Test
  void aFrameAmqpClientReadsPassesUnchanged() throws IOException {
    // Celery's own headers: S, I, t, V, A and F; and every other type amqp-client reads.
    byte[] table = entries(
        field("task", string("tasks.add")), field("retries", int32(0)), field("ignore_result", new byte[] {'t', 1}),
        field("timelimit", array(new byte[] {'V'}, new byte[] {'V'})), field("stamps", table()),
        field("l", int64('l', 5)), field("d", int64('d', Double.doubleToLongBits(0.5))), field("T", int64('T', 7)),
        field("f", new byte[] {'f', 0, 0, 0, 0}), field("i", new byte[] {'i', 0, 0, 0, 1}),
        field("D", new byte[] {'D', 1, 0, 0, 0, 5}), field("s", new byte[] {'s', 0, 1}),
        field("u", new byte[] {'u', 0, 1}), field("b", new byte[] {'b', 1}), field("B", new byte[] {'B', 1}),
        field("x", new byte[] {'x', 0, 0, 0, 2, 'a', 'b'}));
    Frame frame = contentHeader(table);
    byte[] before = frame.getPayload().clone();
    assertSame(frame, ContentHeaderFrames.readable(frame));
    assertArrayEquals(before, frame.getPayload());
    assertEquals(0, AmqpHeaders.fromTable(parse(frame).getHeaders()).get("retries"));

    Frame method = new Frame(AMQP.FRAME_METHOD, 1, new byte[] {0, 60, 0, 80});
    assertSame(method, ContentHeaderFrames.readable(method));
    Frame noHeaders = new Frame(AMQP.FRAME_HEADER, 1, new byte[] {0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0});
    assertSame(noHeaders, ContentHeaderFrames.readable(noHeaders));
  }

  @Test
  void aTypeNoClientDefinesCutsTheTableThereAndSaysWhyKeepingTheRest() throws IOException {
    byte[] table = entries(
        field("task", string("tasks.add")),
        field("big", int64('L', 1L << 40)),
        field("odd", table(field("fine", int32(1)), field("bad", new byte[] {'Z', 0, 0, 0, 3, 'a', 'b', 'c'}))),
        field("after", string("lost with the table's end")));
    Frame frame = contentHeader(table);
    Frame readable = ContentHeaderFrames.readable(frame);
    assertNotSame(frame, readable);
    AMQP.BasicProperties properties = parse(readable);
    Map<String, Object> headers = AmqpHeaders.fromTable(properties.getHeaders());
    assertEquals(Set.of("task", "big", ContentHeaderFrames.UNREADABLE_HEADER), headers.keySet());
    assertEquals(1L << 40, headers.get("big"));
    String reason = (String) headers.get(ContentHeaderFrames.UNREADABLE_HEADER);
    assertTrue(reason.contains("'odd'") && reason.contains("'Z'"), reason);
    assertOtherPropertiesKept(properties);

    MalformedMessageException refused = assertThrows(MalformedMessageException.class,
        () -> AmqpMessages.fromAmqp(properties, new byte[0]));
    assertTrue(refused.getMessage().contains(reason), refused.getMessage());
  }

  @Test
  void aTableLongerThanItsFrameBecomesTheMarkerAlone() throws IOException {
    Frame frame = contentHeader(entries(field("task", string("tasks.add"))));
    byte[] payload = frame.getPayload();
    int lengthAt = 14 + 1 + "application/json".length();
    payload[lengthAt] = 0x7f; // the table's length now claims ~2 GB
    AMQP.BasicProperties properties = parse(ContentHeaderFrames.readable(frame));
    assertEquals(List.of(ContentHeaderFrames.UNREADABLE_HEADER), List.copyOf(properties.getHeaders().keySet()));
    assertEquals("application/json", properties.getContentType());
    assertEquals(null, properties.getCorrelationId(), "what followed the table can't be found");
  }

  // ------------------------------------------------------------------------------------- frames by hand

  private static void assertOtherPropertiesKept(AMQP.BasicProperties properties) {
    assertEquals("application/json", properties.getContentType());
    assertEquals(2, properties.getDeliveryMode());
    assertEquals(5, properties.getPriority());
    assertEquals("c0ffee", properties.getCorrelationId());
    assertEquals("60000", properties.getExpiration());
  }

  private static AMQP.BasicProperties parse(Frame frame) throws IOException {
    return (AMQP.BasicProperties) AMQImpl.readContentHeaderFrom(frame.getInputStream());
  }

  /** A basic content header as py-amqp lays it out: content type, headers, delivery mode, priority, ... */
  private static Frame contentHeader(byte[] table) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeShort(60);
    out.writeShort(0);
    out.writeLong(42);
    out.writeShort(0x8000 | 0x2000 | 0x1000 | 0x0800 | 0x0400 | 0x0100);
    shortString(out, "application/json");
    out.writeInt(table.length);
    out.write(table);
    out.writeByte(2);
    out.writeByte(5);
    shortString(out, "c0ffee");
    shortString(out, "60000");
    return new Frame(AMQP.FRAME_HEADER, 1, bytes.toByteArray());
  }

  private static void shortString(DataOutputStream out, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.writeByte(bytes.length);
    out.write(bytes);
  }

  /** A name and a tagged value. */
  private static byte[] field(String name, byte[] value) {
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    byte[] field = Arrays.copyOf(new byte[] {(byte) bytes.length}, 1 + bytes.length + value.length);
    System.arraycopy(bytes, 0, field, 1, bytes.length);
    System.arraycopy(value, 0, field, 1 + bytes.length, value.length);
    return field;
  }

  /** The fields of a table one after the other, as the header table holds them after its length. */
  private static byte[] entries(byte[]... fields) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (byte[] field : fields) {
      bytes.writeBytes(field);
    }
    return bytes.toByteArray();
  }

  private static byte[] table(byte[]... fields) {
    return tagged('F', fields);
  }

  private static byte[] array(byte[]... values) {
    return tagged('A', values);
  }

  private static byte[] tagged(char tag, byte[]... parts) {
    byte[] content = entries(parts);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    out.writeBytes(new byte[] {(byte) (content.length >>> 24), (byte) (content.length >>> 16),
        (byte) (content.length >>> 8), (byte) content.length});
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] string(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    byte[] value = new byte[5 + bytes.length];
    value[0] = 'S';
    value[1] = (byte) (bytes.length >>> 24);
    value[2] = (byte) (bytes.length >>> 16);
    value[3] = (byte) (bytes.length >>> 8);
    value[4] = (byte) bytes.length;
    System.arraycopy(bytes, 0, value, 5, bytes.length);
    return value;
  }

  private static byte[] int32(int number) {
    return new byte[] {'I', (byte) (number >>> 24), (byte) (number >>> 16), (byte) (number >>> 8), (byte) number};
  }

  private static byte[] int64(char tag, long number) {
    byte[] value = new byte[9];
    value[0] = (byte) tag;
    for (int i = 0; i < 8; i++) {
      value[1 + i] = (byte) (number >>> (56 - 8 * i));
    }
    return value;
  }
}
