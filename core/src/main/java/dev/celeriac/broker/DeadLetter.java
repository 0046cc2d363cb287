package dev.celeriac.broker;

import dev.celeriac.protocol.KombuEnvelope;
import dev.celeriac.protocol.MalformedMessageException;
import dev.celeriac.protocol.TaskMessage;
import java.time.Instant;
import java.util.Optional;

/**
 * A message the worker could not run, kept with the reason: the original bytes are unchanged, so a
 * {@code dead requeue} replays exactly what arrived.
 *
 * @param queue the queue it came from
 * @param reason why it is here, in one line
 * @param deadAt when it was dead-lettered
 * @param raw the message as received
 */
// Its bytes are a payload carried as received, never compared: record equality by array identity is fine.
@SuppressWarnings("ArrayRecordComponent")
public record DeadLetter(String queue, String reason, Instant deadAt, byte[] raw) {

  public DeadLetter {
    raw = raw.clone();
  }

  /** The message as received; a copy. */
  @Override
  public byte[] raw() {
    return raw.clone();
  }

  /** The message, if the bytes decode as a kombu envelope. */
  public Optional<TaskMessage> message() {
    try {
      return Optional.of(KombuEnvelope.decode(raw).message());
    } catch (MalformedMessageException e) {
      return Optional.empty();
    }
  }
}
