package dev.celeriac.broker.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import dev.celeriac.broker.Delivery;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consuming side of one process: one channel with a consumer per queue, manual acks, a prefetch window
 * the size of the worker's, and a local buffer that {@link #fetch} drains. RabbitMQ pushes; the worker
 * pulls from the buffer.
 *
 * <p>The window is per consumer, so each queue of a worker gets the worker's window, as Celery 5.5 does on
 * quorum queues: RabbitMQ refuses a consumer on a quorum queue on a channel with a channel-wide (global) window,
 * with an error that closes the whole connection (Celery 5.2 asks for one, and so cannot consume them), and a
 * worker cannot tell the type of a queue someone else declared.
 *
 * <p>Acks are grouped: a settled message waits up to {@link #ACK_GROUPING} for others, then one thread sends
 * every settled tag at once, as one {@code multiple} ack for the settled run at the bottom of the window and
 * single acks above the first message still running. A multiple ack never covers a message that is not
 * settled. Short tasks so cost RabbitMQ and the worker one ack frame per batch, not per message.
 *
 * <p>When the connection drops, RabbitMQ puts back every message the old channel held, including those whose
 * acks were still in the grouping window, on the wire, or written after the drop: an ack is never confirmed,
 * and a dead connection takes it along. After amqp-client recovers the connection, messages buffered for the
 * old channel are dropped here (RabbitMQ sends them again), and what RabbitMQ sends again flagged
 * {@code redelivered} is matched, by {@link AmqpDelivery#identity()}, against what this consumer already
 * handled:
 *
 * <ul>
 *   <li>a message it settled (ran, retried, parked or dead-lettered, the successor confirmed) within its last
 *       {@link #SETTLED_MEMORY_MIN} or more settlements is acked on arrival, not handed out again;
 *   <li>a message still running here is not handed out either: its run settles the copy, whose delivery tag
 *       replaces the one of the closed channel (an ack, or a reject that returns it to the queue).
 * </ul>
 *
 * So however often the connection drops, this worker runs no message twice; another worker that receives a
 * returned message runs it again, at most once per message that was unacked at the drop.
 */
final class AmqpConsumer {

  private static final Logger log = LoggerFactory.getLogger(AmqpConsumer.class);
  /** How long a settled message waits for others to share its ack frame. */
  static final Duration ACK_GROUPING = Duration.ofMillis(1);
  /**
   * The fewest settled messages remembered, for acking their redelivered copies; more when the windows are
   * larger: twice what RabbitMQ may hold unacked for this channel, so that every ack a drop can lose is covered.
   */
  static final int SETTLED_MEMORY_MIN = 4096;

  private final AmqpBroker broker;
  private final Channel channel;
  private final LinkedBlockingDeque<AmqpDelivery> ready = new LinkedBlockingDeque<>();
  /**
   * Who takes deliveries as they arrive, on amqp-client's dispatch thread, while a fetch waits on an empty buffer
   * (see {@link #fetch(int, Duration, Consumer)}), or null. Guarded by this.
   */
  private Consumer<Delivery> direct;
  /** How many more deliveries {@link #direct} may take. Guarded by this. */
  private int directLeft;
  /** The current consumer tag of each queue consumed. Guarded by this. */
  private final Map<String, String> consumerTags = new LinkedHashMap<>();
  /** The qos prefetch asked of RabbitMQ. Guarded by this. */
  private int prefetch;
  /**
   * Held while subscribing or changing the window, instead of this: those wait for RabbitMQ's reply, which the
   * connection's reader thread reads, and that thread takes this in {@code handleDelivery} (see InlineExecutor).
   */
  private final Object subscribing = new Object();
  /** Counts subscriptions, for unique consumer tags. Guarded by this. */
  private int subscriptions;
  /**
   * Unique per consumer in the connection: amqp-client's recovery keeps consumers by tag across the
   * connection, so two workers of one process consuming the same queue must not share one.
   */
  private final String tagPrefix;
  /** Consumer tags whose cancellation RabbitMQ has not confirmed yet. */
  private final Set<String> cancelling = new HashSet<>();
  /** Set by {@link #stop}: nothing new is handed out, and the channel closes once the last message settles. */
  private volatile boolean stopping;
  /** Set once {@link #stop} has cancelled the consumers: from then on the channel may close. */
  private volatile boolean cancelled;

  /** Delivered messages not yet acked or rejected on the wire, by tag, in order. */
  private final TreeMap<Long, AmqpDelivery> outstanding = new TreeMap<>();
  /** Tags settled by the worker whose ack is not yet sent. */
  private final TreeSet<Long> settled = new TreeSet<>();
  private boolean flushing;
  /** Set when the channel closes: the ack thread ends. Guarded by this. */
  private boolean closed;
  private final Thread acker;
  /** Raised by every recovery: deliveries of an older epoch belong to a channel that is gone. */
  private volatile int epoch;
  /**
   * Identities of the messages settled lately, oldest first: their redelivered copies are acked on arrival.
   * Guarded by this.
   */
  private final LinkedHashSet<String> settledLately = new LinkedHashSet<>();
  /**
   * Messages of closed channels that the worker still runs, by identity: the copy RabbitMQ redelivers is settled
   * with them. Guarded by this.
   */
  private final Map<String, AmqpDelivery> runningFromBefore = new HashMap<>();

  AmqpConsumer(AmqpBroker broker, Connection connection, int prefetch) throws IOException {
    this.broker = broker;
    this.tagPrefix = "celeriac-" + broker.processId() + "-" + broker.nextConsumerNumber() + "-";
    this.channel = connection.createChannel();
    this.prefetch = prefetch;
    channel.basicQos(prefetch);
    this.acker = new Thread(this::ackLoop, "celeriac-amqp-acks");
    acker.setDaemon(true);
    acker.start();
    if (channel instanceof Recoverable recoverable) {
      recoverable.addRecoveryListener(new RecoveryListener() {
        @Override
        public void handleRecovery(Recoverable recovered) {
          recovered();
        }

        @Override
        public void handleRecoveryStarted(Recoverable recovering) {}
      });
    }
  }

  /** Starts consuming {@code queue}, once. */
  void consume(String queue) throws IOException {
    synchronized (subscribing) {
      boolean consumed;
      synchronized (this) {
        consumed = consumerTags.containsKey(queue);
      }
      if (!consumed) {
        subscribe(queue);
      }
    }
  }

  /**
   * Changes the prefetch window to {@code messages}. A per-consumer qos only applies to consumers subscribed after
   * it, so each queue is subscribed again under a new tag and the old subscription cancelled. Messages the old one
   * delivered stay on the channel and are acked as before; until they are settled the channel may hold a few more
   * than the new window.
   */
  void prefetch(int messages) {
    synchronized (subscribing) {
      List<String> queues;
      synchronized (this) {
        if (stopping || messages == prefetch) {
          return;
        }
        queues = List.copyOf(consumerTags.keySet());
      }
      try {
        channel.basicQos(messages);
        synchronized (this) {
          prefetch = messages;
        }
        for (String queue : queues) {
          String old;
          synchronized (this) {
            old = consumerTags.get(queue);
          }
          channel.basicCancel(old);
          subscribe(queue);
        }
      } catch (IOException | RuntimeException e) {
        log.warn("Could not change the prefetch on {} to {}: {}", broker.displayUrl(), messages, e.toString());
      }
    }
  }

  /** Subscribes to {@code queue} under a new tag; the caller holds {@link #subscribing}, and not this. */
  private void subscribe(String queue) throws IOException {
    String consumerTag;
    synchronized (this) {
      consumerTag = tagPrefix + queue + "-" + ++subscriptions;
      consumerTags.put(queue, consumerTag);
    }
    channel.basicConsume(queue, false, consumerTag, new DefaultConsumer(channel) {
      @Override
      public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
          byte[] body) {
        long tag = envelope.getDeliveryTag();
        AmqpDelivery delivery = new AmqpDelivery(broker, AmqpConsumer.this, queue, tag, epoch, properties, body);
        synchronized (AmqpConsumer.this) {
          outstanding.put(tag, delivery);
          if (envelope.isRedeliver() && handledBefore(delivery)) {
            return;
          }
          if (direct != null && directLeft > 0 && !stopping && ready.isEmpty() && delivery.epoch() == epoch) {
            // A fetch waits and nothing is buffered ahead of it: to the worker from here, without waking the fetch.
            delivery.handedOut(true);
            directLeft--;
            direct.accept(delivery);
            return;
          }
        }
        if (stopping) {
          // Off the reader thread (see InlineExecutor): returning the last unsettled message closes the channel,
          // which waits for RabbitMQ's reply, which that thread would have to read.
          broker.runLater(delivery::requeue);
        } else {
          ready.add(delivery);
        }
      }

      @Override
      public void handleCancelOk(String consumerTag) {
        synchronized (AmqpConsumer.this) {
          cancelling.remove(consumerTag);
          AmqpConsumer.this.notifyAll();
        }
      }
    });
  }

  /**
   * True when a redelivered message is one this consumer handled before a reconnect: acked at once if it was
   * settled, or left to settle with the run still going. Called with the lock held.
   */
  private boolean handledBefore(AmqpDelivery copy) {
    String identity = copy.identity();
    if (identity == null) {
      return false;
    }
    AmqpDelivery running = runningFromBefore.get(identity);
    if (running != null && (running.replacement() == null || running.replacement().epoch() != epoch)) {
      running.replacedBy(copy);
      log.debug("Message {} came back while its run continues here: settled with that run", identity);
      return true;
    }
    if (settledLately.contains(identity)) {
      log.debug("Message {} came back after being settled here: acked without running it again", identity);
      settle(copy.tag());
      return true;
    }
    return false;
  }

  /**
   * Cancels every consumer of this channel and gives back what RabbitMQ pushed that no fetch took. The
   * channel stays open for the acks of fetched messages, and closes with the last of them.
   */
  void stop() {
    stopping = true;
    List<String> tags;
    synchronized (this) {
      tags = new ArrayList<>(consumerTags.values());
      cancelling.addAll(tags);
    }
    try {
      for (String tag : tags) {
        channel.basicCancel(tag);
      }
      // Deliveries that RabbitMQ sent before it took the cancellation reach handleDelivery before
      // handleCancelOk: once every cancel is confirmed, the buffer holds all there will be.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      synchronized (this) {
        while (!cancelling.isEmpty() && System.nanoTime() < deadline) {
          wait(100);
        }
      }
    } catch (IOException | RuntimeException e) {
      log.warn("Could not cancel consuming on {}: {}; closing the channel returns its messages",
          broker.displayUrl(), e.toString());
      close();
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    cancelled = true;
    for (AmqpDelivery unfetched; (unfetched = ready.poll()) != null; ) {
      if (unfetched.epoch() == epoch) {
        unfetched.requeue();
      }
    }
    closeIfSettled();
  }

  /** After {@link #stop}: closes the channel once no message it delivered is unsettled. */
  private void closeIfSettled() {
    if (!cancelled) {
      return;
    }
    boolean done;
    synchronized (this) {
      done = outstanding.isEmpty() && settled.isEmpty() && !flushing;
    }
    if (done) {
      close();
    }
  }

  /** Takes up to {@code max} buffered deliveries, waiting up to {@code wait} for the first. */
  List<Delivery> fetch(int max, Duration wait) throws InterruptedException {
    return fetch(max, wait, null);
  }

  /**
   * As {@link #fetch(int, Duration)}; while it waits on an empty buffer, deliveries go to {@code direct} as they
   * arrive (at most {@code max}), from amqp-client's dispatch thread: a worker's slot then starts a message
   * without a hand-off through the fetching thread. Only one fetch at a time hands over directly.
   */
  List<Delivery> fetch(int max, Duration wait, Consumer<Delivery> direct) throws InterruptedException {
    boolean handing = false;
    if (direct != null && max > 0) {
      synchronized (this) {
        if (this.direct == null && ready.isEmpty()) {
          this.direct = direct;
          directLeft = max;
          handing = true;
        }
      }
    }
    try {
      return fetchBuffered(max, wait, handing);
    } finally {
      if (handing) {
        synchronized (this) {
          this.direct = null;
        }
      }
    }
  }

  private List<Delivery> fetchBuffered(int max, Duration wait, boolean handing) throws InterruptedException {
    List<Delivery> fetched = new ArrayList<>(Math.min(max, 256));
    long deadline = System.nanoTime() + wait.toNanos();
    int room = max;
    while (fetched.isEmpty()) {
      long left = deadline - System.nanoTime();
      AmqpDelivery first = left <= 0 ? ready.poll() : ready.poll(left, TimeUnit.NANOSECONDS);
      if (first == null) {
        return fetched;
      }
      if (handing) {
        // Deliveries are buffered again (the direct hand-over took its share, or something came before it):
        // this call takes what the hand-over left of max.
        synchronized (this) {
          direct = null;
          room = directLeft;
        }
        handing = false;
        if (room == 0) {
          ready.offerFirst(first);
          return fetched;
        }
      }
      List<AmqpDelivery> batch = new ArrayList<>();
      batch.add(first);
      ready.drainTo(batch, room - 1);
      synchronized (this) {
        // Under the lock, so that a recovery sees each as either buffered (dropped) or with the worker.
        for (AmqpDelivery delivery : batch) {
          if (delivery.epoch() == epoch) {
            delivery.handedOut(true);
            fetched.add(delivery);
          }
        }
      }
    }
    return fetched;
  }

  /**
   * Marks {@code delivery} as held for its near eta, not running meanwhile; false for one of a closed channel,
   * which can't be held (its release would be dropped) and is parked instead.
   */
  synchronized boolean hold(AmqpDelivery delivery) {
    if (delivery.epoch() != epoch) {
      return false;
    }
    delivery.handedOut(false);
    return true;
  }

  /** Puts a delivery held for a near eta back where the worker fetches; after {@link #stop}, back to its queue. */
  void release(AmqpDelivery delivery) {
    if (delivery.epoch() != epoch) {
      return; // RabbitMQ redelivered it to the new channel, where it is held anew
    }
    if (stopping) {
      delivery.requeue();
    } else {
      ready.add(delivery);
    }
  }

  /**
   * {@code delivery} is done: it ran, or what replaces it (a retry, a parked copy, a dead letter) is confirmed.
   * Acks it, or the copy that replaced it after a reconnect, with the next flush, within {@link #ACK_GROUPING},
   * and remembers it so that a copy redelivered later is acked on arrival.
   */
  void ack(AmqpDelivery delivery) {
    synchronized (this) {
      String identity = delivery.identity();
      if (identity != null) {
        settledLately.add(identity);
        int memory = Math.max(SETTLED_MEMORY_MIN, 2 * prefetch * Math.max(1, consumerTags.size()));
        for (var oldest = settledLately.iterator(); settledLately.size() > memory; ) {
          oldest.next();
          oldest.remove();
        }
      }
      AmqpDelivery current = current(delivery);
      if (current != null && outstanding.containsKey(current.tag())) {
        settle(current.tag());
      }
    }
  }

  /** Puts {@code tag} in the next ack flush. Called with the lock held. */
  private void settle(long tag) {
    settled.add(tag);
    if (settled.size() == 1) {
      notifyAll();
    }
  }

  /**
   * The delivery of the current channel that stands for {@code delivery}: itself, or for one of a closed channel
   * the copy RabbitMQ redelivered meanwhile (null if none came yet). Forgets {@code delivery} as running: it is
   * being settled. Called with the lock held.
   */
  private AmqpDelivery current(AmqpDelivery delivery) {
    if (delivery.epoch() == epoch) {
      return delivery;
    }
    String identity = delivery.identity();
    if (identity != null) {
      runningFromBefore.remove(identity, delivery);
    }
    AmqpDelivery copy = delivery.replacement();
    return copy != null && copy.epoch() == epoch ? copy : null;
  }

  /** The ack thread: once something is settled, waits {@link #ACK_GROUPING} for more, then flushes. */
  private void ackLoop() {
    try {
      while (true) {
        synchronized (this) {
          while (settled.isEmpty() && !closed) {
            wait();
          }
          if (closed && settled.isEmpty()) {
            return;
          }
          flushing = true;
        }
        if (!closed) {
          TimeUnit.NANOSECONDS.sleep(ACK_GROUPING.toNanos());
        }
        flushAcks();
      }
    } catch (InterruptedException e) {
      // close() ends the thread; RabbitMQ returns what was not acked with the channel.
    }
  }

  private void flushAcks() {
    while (true) {
      long multipleUpTo = -1;
      List<Long> singles = new ArrayList<>();
      synchronized (this) {
        if (settled.isEmpty()) {
          flushing = false;
          break;
        }
        // The run of settled tags at the bottom of the window goes in one multiple ack.
        for (Long tag : outstanding.keySet()) {
          if (!settled.contains(tag)) {
            break;
          }
          multipleUpTo = tag;
        }
        for (Long tag : settled) {
          if (tag > multipleUpTo) {
            singles.add(tag);
          }
        }
        outstanding.keySet().removeAll(settled);
        settled.clear();
      }
      try {
        if (multipleUpTo >= 0) {
          channel.basicAck(multipleUpTo, true);
        }
        for (long tag : singles) {
          channel.basicAck(tag, false);
        }
      } catch (IOException | RuntimeException e) {
        // The channel is gone: RabbitMQ puts the messages back. This consumer acks them when they come back to
        // it after the reconnect; another worker that receives one runs it again.
        log.warn("Could not ack messages on {}; they are acked again if they come back here: {}",
            broker.displayUrl(), e.toString());
      }
    }
    closeIfSettled();
  }

  /**
   * Gives {@code delivery} (or the copy that replaced it after a reconnect) back to its queue. The reject is
   * written before the tag leaves the window, so no later multiple ack can cover it first.
   */
  void reject(AmqpDelivery delivery) {
    AmqpDelivery current;
    synchronized (this) {
      current = current(delivery);
    }
    if (current == null) {
      return; // RabbitMQ took it back with the closed channel
    }
    try {
      channel.basicReject(current.tag(), true);
    } catch (IOException | RuntimeException e) {
      log.warn("Could not return message {} on {}: {}", current.tag(), broker.displayUrl(), e.toString());
    }
    synchronized (this) {
      outstanding.remove(current.tag());
    }
    closeIfSettled();
  }

  private void recovered() {
    int running;
    synchronized (this) {
      // What the worker still runs of the old channel settles the copies RabbitMQ is about to redeliver. What it
      // settled is in settledLately, whether or not its ack went out; buffered and held messages simply come back.
      for (AmqpDelivery delivery : outstanding.values()) {
        if (delivery.isHandedOut() && !settled.contains(delivery.tag()) && delivery.identity() != null) {
          runningFromBefore.put(delivery.identity(), delivery);
        }
      }
      running = runningFromBefore.size();
      outstanding.clear();
      settled.clear();
      epoch++;
    }
    ready.clear();
    if (stopping) {
      // Stopped before the connection dropped: RabbitMQ took back what it held, and nothing will settle here.
      close();
      return;
    }
    log.info("Consuming again from {} after a reconnect; RabbitMQ returns what was unacked, and this worker runs"
        + " none of it twice ({} still running here)", broker.displayUrl(), running);
  }

  /** Stops consuming: messages buffered or unsettled go back to their queues when the channel closes. */
  void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    if (Thread.currentThread() != acker) {
      // Acks settled before the close still go out: the ack thread flushes them at once, then ends.
      try {
        acker.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      if (channel.isOpen()) {
        channel.close();
      }
    } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
      log.debug("Closing the consumer channel: {}", e.toString());
    }
  }
}
