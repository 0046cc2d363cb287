package dev.celeriac.canvas;

import dev.celeriac.protocol.TaskMessage;

/**
 * Where the messages of an applied canvas go: the broker for producers and workers, the calling thread in eager
 * mode. Returns once the message is held; throws otherwise.
 */
@FunctionalInterface
public interface Dispatch {

  /** Sends {@code message} to {@code queue}. */
  void publish(String queue, TaskMessage message);
}
