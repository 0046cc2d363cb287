package dev.celeriac;

import dev.celeriac.broker.MessagePublisher;
import java.util.ArrayList;
import java.util.List;

/**
 * Many enqueues sent together: on Redis one pipelined round trip, on RabbitMQ one wait for confirms.
 *
 * <pre>{@code
 * try (Batch batch = app.batch()) {
 *   for (long id : ids) {
 *     SaveEventTask.with().in(batch).enqueue(projectId, "event:" + id);
 *   }
 * }   // sent here; or call send() earlier
 * }</pre>
 *
 * An enqueue into a batch checks and encodes the message at once (size cap included) and returns its
 * {@link TaskRef}; the broker holds the messages when {@link #send()} (or {@link #close()}) returns. Not
 * thread-safe.
 */
public final class Batch implements AutoCloseable {

  private final Celeriac app;
  private final List<MessagePublisher.Outgoing> pending = new ArrayList<>();

  Batch(Celeriac app) {
    this.app = app;
  }

  /** The app whose broker receives the batch. */
  public Celeriac app() {
    return app;
  }

  void add(MessagePublisher.Outgoing outgoing) {
    pending.add(outgoing);
  }

  /** Messages added and not yet sent. */
  public int size() {
    return pending.size();
  }

  /**
   * Sends every pending message; returns how many. Throws if the broker did not take them all, in
   * which case some may have been taken: the batch is then emptied, as the caller cannot tell which.
   */
  public int send() {
    List<MessagePublisher.Outgoing> sending = List.copyOf(pending);
    pending.clear();
    app.publishAll(sending);
    return sending.size();
  }

  /** Sends what is pending. */
  @Override
  public void close() {
    if (!pending.isEmpty()) {
      send();
    }
  }
}
