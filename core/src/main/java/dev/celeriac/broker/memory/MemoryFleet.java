package dev.celeriac.broker.memory;

import dev.celeriac.broker.ControlMailbox;
import dev.celeriac.broker.EventPublisher;
import dev.celeriac.broker.FleetSupport;
import dev.celeriac.broker.RevokeStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Events, remote control and revokes among the workers and clients of one {@code memory://} broker, in this
 * JVM. Requests reach every listening node on the broadcasting thread; replies wait in the asking client's
 * queue. Events go to whoever {@link #subscribe subscribed}; nothing is kept.
 */
final class MemoryFleet implements EventPublisher, ControlMailbox, RevokeStore {

  /** An event as published: routing key, JSON body and the sender's node name. */
  // Its bytes are a payload carried as received, never compared: record equality by array identity is fine.
  @SuppressWarnings("ArrayRecordComponent")
  record Event(String routingKey, byte[] body, String hostname) {}

  private final List<Consumer<Event>> eventListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<Message>> nodes = new CopyOnWriteArrayList<>();
  private final Map<String, BlockingQueue<Message>> replyQueues = new ConcurrentHashMap<>();
  private final Map<String, Instant> revoked = new HashMap<>();

  FleetSupport support() {
    return new FleetSupport(this, this, this, false);
  }

  /** Receives every event from now on, until the returned handle is closed. */
  AutoCloseable subscribe(Consumer<Event> listener) {
    eventListeners.add(listener);
    return () -> eventListeners.remove(listener);
  }

  @Override
  public void publish(String routingKey, byte[] body, String hostname) {
    Event event = new Event(routingKey, body.clone(), hostname);
    eventListeners.forEach(listener -> listener.accept(event));
  }

  @Override
  public Subscription listen(String node, Consumer<Message> requests) {
    nodes.add(requests);
    return new Subscription() {
      @Override
      public boolean shared() {
        return false;
      }

      @Override
      public void close() {
        nodes.remove(requests);
      }
    };
  }

  @Override
  public void reply(String routingKey, Message reply) {
    BlockingQueue<Message> queue = replyQueues.get(routingKey);
    if (queue != null) {
      queue.add(reply);
    }
  }

  @Override
  public Replies replies(String clientId) {
    BlockingQueue<Message> queue = new LinkedBlockingQueue<>();
    replyQueues.put(clientId, queue);
    return new Replies() {
      @Override
      public Message poll(Duration wait) throws InterruptedException {
        return queue.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
      }

      @Override
      public void close() {
        replyQueues.remove(clientId);
      }
    };
  }

  @Override
  public void broadcast(Message request) {
    nodes.forEach(node -> node.accept(request));
  }

  @Override
  public synchronized void add(Collection<String> ids, Instant until) {
    ids.forEach(id -> revoked.merge(id, until, (a, b) -> a.isAfter(b) ? a : b));
  }

  @Override
  public synchronized Map<String, Instant> load(Instant now) {
    revoked.values().removeIf(until -> !until.isAfter(now));
    return Map.copyOf(revoked);
  }
}
