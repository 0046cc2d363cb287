package dev.celeriac.broker.amqp;

import com.rabbitmq.client.impl.Frame;
import dev.celeriac.protocol.TaskMessage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * What Celeriac's RabbitMQ broker puts on the wire for a message, written by RabbitMQ's own frame writer, for
 * the protocol tests of another package to compare with frames Celery sent.
 */
public final class AmqpWire {

  private AmqpWire() {}

  /** The content-header frame (properties and header table) that a publish of {@code message} sends. */
  public static byte[] contentHeaderFrame(TaskMessage message, int channel) throws IOException {
    Frame frame = AmqpMessages.properties(message).toFrame(channel, message.body().length);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    frame.writeTo(new DataOutputStream(bytes));
    return bytes.toByteArray();
  }
}
