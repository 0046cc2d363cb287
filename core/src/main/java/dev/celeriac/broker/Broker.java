package dev.celeriac.broker;

import dev.celeriac.protocol.TaskMessage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A message broker as Celeriac uses it. Implementations are thread-safe.
 *
 * <p>Delivery is at least once: a fetched message stays in flight until its {@link Delivery} is acked,
 * retried, deferred, dead-lettered or requeued, and comes back to its queue if the fetching process dies.
 */
public interface Broker extends AutoCloseable {

  /** The broker URL with any password masked, for logs and messages. */
  String displayUrl();

  /**
   * Checks, with one round trip and no retry, that the broker answers now: for health checks. Throws {@link
   * BrokerException} when it does not.
   */
  void ping();

  /**
   * Puts a message on a queue. Returns once the broker holds it; throws {@link BrokerException} otherwise.
   * A message whose {@code eta} lies in the future may be parked by the broker until then.
   */
  void publish(String queue, TaskMessage message);

  /** A message and the queue it goes to, for {@link #publishAll}. */
  record Outgoing(String queue, TaskMessage message) {}

  /**
   * Publishes many messages in as few round trips as the broker allows. Returns once the broker holds
   * all of them; throws {@link BrokerException} otherwise (some may then have been taken).
   */
  default void publishAll(List<Outgoing> messages) {
    for (Outgoing outgoing : messages) {
      publish(outgoing.queue(), outgoing.message());
    }
  }

  /** What became of one slot offered to {@link #publishSlot}. */
  enum SlotOutcome {
    /** This call published the slot's message. */
    FIRED,
    /** The slot was published before, by this or another cron process, or is older than the schedule's record. */
    SKIPPED,
    /** Another cron process holds the schedule's lock right now; offer the slot again later. */
    LOCKED
  }

  /**
   * The per-slot lock of {@code run cron}: publishes {@code message} to {@code queue} for {@code slot} of
   * the schedule {@code schedule} unless this or another process already published that slot or a later
   * one. Atomic across processes: of any number of callers for one slot, exactly one publishes it. A
   * schedule the broker has no record of yet gets one: its {@code slot} is published only if it is not
   * before {@code firstSlotFrom} (a first cron process does not fire what was due before it started).
   *
   * @throws BrokerException when the broker did not answer; nothing was published then
   */
  SlotOutcome publishSlot(String schedule, java.time.Instant slot, java.time.Instant firstSlotFrom, String queue,
      TaskMessage message);

  /**
   * Takes up to {@code max} messages from the given queues, higher priority first, waiting up to
   * {@code wait} for the first one. Returns an empty list when none came in time.
   */
  List<Delivery> fetch(List<String> queues, int max, Duration wait) throws InterruptedException;

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

  /** The dead-letter store of this broker. */
  DeadLetterStore deadLetters();

  /** Counts for one queue. */
  QueueStats stats(String queue);

  /** The queues this broker knows of: declared, published to or consumed. */
  Set<String> queueNames();

  /** Drops every ready message of {@code queue}; returns how many. In-flight and delayed ones stay. */
  long purge(String queue);

  /**
   * Celery's events, remote control and a durable revoke store on this broker, for workers to take part in a
   * Celery fleet and for {@code inspect} and {@code control}; empty when the broker has none.
   */
  default Optional<FleetSupport> fleet() {
    return Optional.empty();
  }

  /** Releases connections; messages in flight return to their queues. */
  @Override
  void close();
}
