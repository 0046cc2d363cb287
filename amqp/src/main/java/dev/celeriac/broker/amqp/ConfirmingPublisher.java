package dev.celeriac.broker.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One channel in confirm mode that many threads publish on. Publishing is serialised (a channel's frames
 * must not interleave); waiting for the confirm is not: each publish registers a future under its sequence
 * number, and the broker's acks, often {@code multiple}, complete them. Concurrent enqueues thereby share
 * confirms, and a batch waits once for all of its messages.
 */
final class ConfirmingPublisher {

  /** One message to publish. */
  // Its bytes are a payload carried as received, never compared: record equality by array identity is fine.
  @SuppressWarnings("ArrayRecordComponent")
  record Publication(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) {}

  private final Connection connection;
  private final ConcurrentNavigableMap<Long, CompletableFuture<Void>> pending = new ConcurrentSkipListMap<>();
  private Channel channel;

  ConfirmingPublisher(Connection connection) {
    this.connection = connection;
  }

  /**
   * Publishes every message; the returned future completes when the broker has confirmed all of them, and
   * fails when it refused one or the channel closed first.
   */
  CompletableFuture<Void> publish(List<Publication> publications) throws IOException {
    CompletableFuture<?>[] confirms = new CompletableFuture<?>[publications.size()];
    synchronized (this) {
      Channel open = channel();
      for (int i = 0; i < publications.size(); i++) {
        Publication publication = publications.get(i);
        CompletableFuture<Void> confirm = new CompletableFuture<>();
        pending.put(open.getNextPublishSeqNo(), confirm);
        confirms[i] = confirm;
        open.basicPublish(publication.exchange(), publication.routingKey(), false, publication.properties(),
            publication.body());
      }
    }
    return confirms.length == 1 ? castVoid(confirms[0]) : CompletableFuture.allOf(confirms);
  }

  @SuppressWarnings("unchecked")
  private static CompletableFuture<Void> castVoid(CompletableFuture<?> future) {
    return (CompletableFuture<Void>) future;
  }

  /** The channel, opened in confirm mode when there is none or the last one closed. */
  private Channel channel() throws IOException {
    if (channel != null && channel.isOpen()) {
      return channel;
    }
    if (channel != null) {
      failAll(channel.getCloseReason());
    }
    Channel opened = connection.createChannel();
    if (opened == null) {
      throw new IOException("no channel available on " + connection);
    }
    opened.confirmSelect();
    opened.addConfirmListener(new ConfirmListener() {
      @Override
      public void handleAck(long sequence, boolean multiple) {
        settle(sequence, multiple, null);
      }

      @Override
      public void handleNack(long sequence, boolean multiple) {
        settle(sequence, multiple, new IOException("RabbitMQ refused the message (basic.nack)"));
      }
    });
    opened.addShutdownListener(this::failAll);
    channel = opened;
    return opened;
  }

  private void settle(long sequence, boolean multiple, IOException failure) {
    var settled = multiple ? pending.headMap(sequence, true) : pending.subMap(sequence, true, sequence, true);
    for (var entry : settled.entrySet()) {
      if (pending.remove(entry.getKey(), entry.getValue())) {
        if (failure == null) {
          entry.getValue().complete(null);
        } else {
          entry.getValue().completeExceptionally(failure);
        }
      }
    }
  }

  /**
   * Fails every unconfirmed publish: the channel closed, and a recovered channel numbers its messages
   * from 1 again. Callers publish again; the broker may then hold a message twice, never zero times.
   */
  private void failAll(ShutdownSignalException cause) {
    IOException failure = new IOException("channel closed before RabbitMQ confirmed the message: "
        + (cause == null ? "closed" : cause.getMessage()), cause);
    for (Long sequence : pending.keySet()) {
      CompletableFuture<Void> confirm = pending.remove(sequence);
      if (confirm != null) {
        confirm.completeExceptionally(failure);
      }
    }
  }

  synchronized void close() {
    if (channel != null && channel.isOpen()) {
      try {
        channel.close();
      } catch (IOException | java.util.concurrent.TimeoutException | ShutdownSignalException e) {
        // closing anyway
      }
    }
  }
}
