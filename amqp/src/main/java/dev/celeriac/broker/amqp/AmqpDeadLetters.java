package dev.celeriac.broker.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.celeriac.broker.DeadLetter;
import dev.celeriac.broker.DeadLetterStore;
import dev.celeriac.broker.amqp.ConfirmingPublisher.Publication;
import dev.celeriac.protocol.Ids;
import dev.celeriac.protocol.KombuEnvelope;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Dead letters in the durable queue {@code <queue>.dead}: the original body and properties, plus the headers
 * {@code x-celeriac-reason} and {@code x-celeriac-dead-at}; or, for a message RabbitMQ moved there itself (a quorum
 * queue's delivery limit), RabbitMQ's {@code x-first-death-reason} and the time in its {@code x-death} record. Listing takes messages without acking them and
 * closes the channel, which puts them back in order; requeueing publishes each to its queue, confirmed,
 * before acking it here.
 */
final class AmqpDeadLetters implements DeadLetterStore {

  /** Messages moved per confirm round when requeueing. */
  private static final int REQUEUE_BATCH = 500;

  private final AmqpBroker broker;

  AmqpDeadLetters(AmqpBroker broker) {
    this.broker = broker;
  }

  @Override
  public List<DeadLetter> list(String queue, int limit) {
    return broker.<List<DeadLetter>>withChannel(channel -> {
      List<DeadLetter> letters = new ArrayList<>();
      while (letters.size() < limit) {
        GetResponse response = channel.basicGet(AmqpTopology.deadQueue(queue), false);
        if (response == null) {
          break;
        }
        letters.add(letter(queue, response));
      }
      return letters;
    }).orElse(List.of());
  }

  private static DeadLetter letter(String queue, GetResponse response) {
    AMQP.BasicProperties properties = response.getProps();
    Map<String, Object> headers = properties.getHeaders() == null ? Map.of() : properties.getHeaders();
    Object reason = headers.get(AmqpBroker.DEAD_REASON);
    Object at = headers.get(AmqpBroker.DEAD_AT);
    Instant deadAt = Instant.EPOCH;
    if (at != null) {
      try {
        deadAt = Instant.parse(at.toString());
      } catch (DateTimeParseException e) {
        // left at the epoch: the header was changed by hand
      }
    } else if (headers.get("x-death") instanceof List<?> deaths && !deaths.isEmpty()
        && deaths.get(0) instanceof Map<?, ?> latest && latest.get("time") instanceof Date time) {
      deadAt = time.toInstant();
    }
    byte[] raw = KombuEnvelope.encode(AmqpMessages.fromAmqp(properties, response.getBody()), queue,
        Long.toString(response.getEnvelope().getDeliveryTag()));
    return new DeadLetter(queue, reason != null ? reason.toString() : brokerReason(headers), deadAt, raw);
  }

  /** Why RabbitMQ dead-lettered a message itself, from its {@code x-first-death-reason} header. */
  private static String brokerReason(Map<String, Object> headers) {
    Object reason = headers.get("x-first-death-reason");
    if (reason == null) {
      return "(no reason recorded)";
    }
    String text = reason.toString();
    return text.equals("delivery_limit")
        ? "RabbitMQ dead-lettered it: delivered and returned unacked more times than the queue's delivery limit"
            + " (x-delivery-limit) allows, as when each worker that took it died running it"
        : "RabbitMQ dead-lettered it: " + text;
  }

  @Override
  public long count(String queue) {
    return broker.count(AmqpTopology.deadQueue(queue));
  }

  @Override
  public long requeue(String queue) {
    broker.declareTaskQueue(queue);
    long moved = 0;
    while (true) {
      long batch = broker.<Long>withChannel(channel -> moveBatch(channel, queue)).orElse(0L);
      moved += batch;
      if (batch < REQUEUE_BATCH) {
        return moved;
      }
    }
  }

  private long moveBatch(Channel channel, String queue) throws java.io.IOException {
    List<Publication> publications = new ArrayList<>();
    long lastTag = -1;
    while (publications.size() < REQUEUE_BATCH) {
      GetResponse response = channel.basicGet(AmqpTopology.deadQueue(queue), false);
      if (response == null) {
        break;
      }
      AMQP.BasicProperties properties = response.getProps();
      // A new message-id: the replay is new work, not a redelivery of the message a consumer settled by
      // dead-lettering it (see AmqpConsumer).
      publications.add(new Publication("", queue, properties.builder().headers(AmqpBroker.taskHeaders(properties))
          .messageId(Ids.uuid()).build(), response.getBody()));
      lastTag = response.getEnvelope().getDeliveryTag();
    }
    if (publications.isEmpty()) {
      return 0L;
    }
    broker.confirm("dead-letter requeue", publications);
    channel.basicAck(lastTag, true);
    return (long) publications.size();
  }

  @Override
  public long purge(String queue) {
    return broker.<Long>withChannel(channel -> (long) channel.queuePurge(AmqpTopology.deadQueue(queue))
        .getMessageCount()).orElse(0L);
  }
}
