package dev.celeriac.broker;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The consuming side of a broker: what a worker needs to take messages. Implementations are thread-safe.
 *
 * <p>Delivery is at least once: a fetched message stays in flight until its {@link Delivery} is acked, retried,
 * deferred, dead-lettered or requeued, and comes back to its queue if the fetching process dies (or, on Redis, stops
 * heartbeating) before that. A message may so run twice; it is never lost once its publish returned.
 */
public interface MessageConsumer {

  /**
   * Takes up to {@code max} messages from the given queues, higher priority first, waiting up to
   * {@code wait} for the first one. Returns an empty list when none came in time: the wait bounds how long the
   * call blocks, not how long messages take to arrive, and a call returns as soon as it has one message (it does
   * not wait to fill {@code max}).
   */
  List<Delivery> fetch(List<String> queues, int max, Duration wait) throws InterruptedException;

  /**
   * As {@link #fetch(List, int, Duration)}, but the broker may hand a message to {@code direct} from the thread
   * that received it, while this call waits, instead of returning it: an idle worker then starts the message
   * without first waking the thread that fetches (one hand-off between threads less, about a tenth of a
   * millisecond on a small machine). Every call of {@code direct} happens before this returns (or throws), and
   * {@code direct} gets at most {@code max} messages less those returned; it must not block. Brokers that cannot
   * do this return everything, as the default does.
   */
  default List<Delivery> fetch(List<String> queues, int max, Duration wait, Consumer<Delivery> direct)
      throws InterruptedException {
    return fetch(queues, max, wait);
  }

  /**
   * How many messages the consumer of {@code queues} holds at most, fetched and not yet settled: the worker's
   * prefetch. A broker that pushes messages (RabbitMQ) sizes its window by it; call it before the first
   * {@link #fetch} of these queues, and again whenever the worker's window changes. Brokers that are polled
   * ignore it.
   */
  default void prefetch(List<String> queues, int messages) {}

  /**
   * Stops consuming {@code queues}, as a worker does when it stops: a broker that pushes messages stops
   * sending them, and gives back those it pushed that no {@link #fetch} has taken yet. Fetched messages stay
   * in flight until they are settled. Brokers that are polled need not do anything.
   */
  default void stopConsuming(List<String> queues) {}
}
