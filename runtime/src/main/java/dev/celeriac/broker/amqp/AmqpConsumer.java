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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consuming side of one process: one channel with a consumer per queue, manual acks, a prefetch window
 * the size of the worker's, and a local buffer that {@link #fetch} drains. RabbitMQ pushes; the worker
 * pulls from the buffer.
 *
 * <p>Acks are grouped: a settled message waits up to {@link #ACK_GROUPING} for others, then one thread sends
 * every settled tag at once, as one {@code multiple} ack for the settled run at the bottom of the window and
 * single acks above the first message still running. A multiple ack never covers a message that is not
 * settled. Short tasks so cost RabbitMQ and the worker one ack frame per batch, not per message.
 *
 * <p>After amqp-client recovers the connection, RabbitMQ has put back every message the old channel held;
 * buffered ones of the old channel are dropped here, and acks of running ones are dropped by amqp-client.
 */
final class AmqpConsumer {

  private static final Logger log = LoggerFactory.getLogger(AmqpConsumer.class);
  /** How long a settled message waits for others to share its ack frame. */
  static final Duration ACK_GROUPING = Duration.ofMillis(1);

  private final AmqpBroker broker;
  private final Channel channel;
  private final LinkedBlockingQueue<AmqpDelivery> ready = new LinkedBlockingQueue<>();
  /** The current consumer tag of each queue consumed. Guarded by this. */
  private final Map<String, String> consumerTags = new LinkedHashMap<>();
  private final boolean global;
  /** The qos prefetch asked of RabbitMQ. Guarded by this. */
  private int prefetch;
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

  /** Delivered tags not yet acked or rejected on the wire, in order. */
  private final TreeSet<Long> outstanding = new TreeSet<>();
  /** Tags settled by the worker whose ack is not yet sent. */
  private final TreeSet<Long> settled = new TreeSet<>();
  private boolean flushing;
  /** Set when the channel closes: the ack thread ends. Guarded by this. */
  private boolean closed;
  private final Thread acker;
  /** Raised by every recovery: deliveries of an older epoch belong to a channel that is gone. */
  private volatile int epoch;

  AmqpConsumer(AmqpBroker broker, Connection connection, int prefetch, boolean global) throws IOException {
    this.broker = broker;
    this.tagPrefix = "celeriac-" + broker.processId() + "-" + broker.nextConsumerNumber() + "-";
    this.channel = connection.createChannel();
    this.global = global;
    this.prefetch = prefetch;
    channel.basicQos(prefetch, global);
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
  synchronized void consume(String queue) throws IOException {
    if (!consumerTags.containsKey(queue)) {
      subscribe(queue);
    }
  }

  /**
   * Changes the prefetch window to {@code messages}. A channel-wide (global) qos changes in place; a
   * per-consumer one only applies to consumers subscribed after it, so each queue is subscribed again under
   * a new tag and the old subscription cancelled. Messages the old one delivered stay on the channel and are
   * acked as before; until they are settled the channel may hold a few more than the new window.
   */
  synchronized void prefetch(int messages) {
    if (stopping || messages == prefetch) {
      return;
    }
    try {
      channel.basicQos(messages, global);
      prefetch = messages;
      if (!global) {
        for (String queue : List.copyOf(consumerTags.keySet())) {
          String old = consumerTags.get(queue);
          channel.basicCancel(old);
          subscribe(queue);
        }
      }
    } catch (IOException | RuntimeException e) {
      log.warn("Could not change the prefetch on {} to {}: {}", broker.displayUrl(), messages, e.toString());
    }
  }

  private void subscribe(String queue) throws IOException {
    String consumerTag = tagPrefix + queue + "-" + (++subscriptions);
    consumerTags.put(queue, consumerTag);
    channel.basicConsume(queue, false, consumerTag, new DefaultConsumer(channel) {
      @Override
      public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
          byte[] body) {
        long tag = envelope.getDeliveryTag();
        synchronized (AmqpConsumer.this) {
          outstanding.add(tag);
        }
        AmqpDelivery delivery = new AmqpDelivery(broker, AmqpConsumer.this, queue, tag, epoch, properties, body);
        if (stopping) {
          delivery.requeue();
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
    List<Delivery> fetched = new ArrayList<>(Math.min(max, 256));
    long deadline = System.nanoTime() + wait.toNanos();
    while (fetched.isEmpty()) {
      long left = deadline - System.nanoTime();
      AmqpDelivery first = left <= 0 ? ready.poll() : ready.poll(left, TimeUnit.NANOSECONDS);
      if (first == null) {
        return fetched;
      }
      List<AmqpDelivery> batch = new ArrayList<>();
      batch.add(first);
      ready.drainTo(batch, max - 1);
      for (AmqpDelivery delivery : batch) {
        if (delivery.epoch() == epoch) {
          fetched.add(delivery);
        }
      }
    }
    return fetched;
  }

  /** Puts a delivery held for a near eta back where the worker fetches; after {@link #stop}, back to its queue. */
  void release(AmqpDelivery delivery) {
    if (delivery.epoch() != epoch) {
      return;
    }
    if (stopping) {
      delivery.requeue();
    } else {
      ready.add(delivery);
    }
  }

  boolean isCurrent(AmqpDelivery delivery) {
    return delivery.epoch() == epoch;
  }

  /** Acks {@code tag} with the next flush, within {@link #ACK_GROUPING}. */
  void ack(long tag, int deliveryEpoch) {
    if (deliveryEpoch != epoch) {
      return;
    }
    synchronized (this) {
      if (!outstanding.contains(tag)) {
        return;
      }
      settled.add(tag);
      if (settled.size() == 1) {
        notifyAll();
      }
    }
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
        for (Long tag : outstanding) {
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
        outstanding.removeAll(settled);
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
        // The channel is gone: RabbitMQ puts the messages back, and they run again elsewhere.
        log.warn("Could not ack messages on {}: {}", broker.displayUrl(), e.toString());
      }
    }
    closeIfSettled();
  }

  /**
   * Gives {@code tag} back to its queue. The reject is written before the tag leaves the window, so no
   * later multiple ack can cover it first.
   */
  void reject(long tag, int deliveryEpoch) {
    if (deliveryEpoch != epoch) {
      return;
    }
    try {
      channel.basicReject(tag, true);
    } catch (IOException | RuntimeException e) {
      log.warn("Could not return message {} on {}: {}", tag, broker.displayUrl(), e.toString());
    }
    synchronized (this) {
      outstanding.remove(tag);
    }
    closeIfSettled();
  }

  private void recovered() {
    synchronized (this) {
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
    log.info("Consuming again from {} after a reconnect; messages in flight before it were returned to their"
        + " queues", broker.displayUrl());
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
