package dev.celeriac.broker;

import dev.celeriac.protocol.MalformedMessageException;
import dev.celeriac.protocol.TaskMessage;
import java.time.Instant;

/**
 * One fetched message, in flight until exactly one of the settling methods is called: {@link #ack},
 * {@link #retry}, {@link #defer}, {@link #deadLetter} or {@link #requeue}.
 */
public interface Delivery {

  /** The queue the message was fetched from. */
  String queue();

  /** The message as received, byte for byte, for the dead-letter store. */
  byte[] raw();

  /**
   * The decoded message.
   *
   * @throws MalformedMessageException when the received bytes are not a task message
   */
  TaskMessage message();

  /** Done: the message leaves the broker. */
  void ack();

  /** Publishes {@code next} (the retry message) to this queue, then acks this one. */
  void retry(TaskMessage next);

  /** Parks the message until {@code eta}, then it returns to its queue. */
  void defer(Instant eta);

  /** Moves the message, unchanged, to the dead-letter store with {@code reason}. */
  void deadLetter(String reason);

  /** Gives the unstarted message back to its queue, to be fetched again first. */
  void requeue();
}
