package dev.celeriac.broker.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.celeriac.broker.BrokerException;
import dev.celeriac.broker.ControlMailbox;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Celery's remote-control mailbox on RabbitMQ, in kombu's entities: the fanout exchange {@code celery.pidbox}
 * and the direct exchange {@code reply.celery.pidbox} (neither durable), a node's queue
 * {@code <node>.celery.pidbox} and a client's {@code <client id>.reply.celery.pidbox} (not durable, auto-delete,
 * {@code x-expires} 10 s, {@code x-message-ttl} 300 s), both consumed without acks. Requests are persistent
 * ({@code delivery_mode} 2), replies transient (1), as kombu sends them.
 */
final class AmqpMailbox implements ControlMailbox {

  private static final Logger log = LoggerFactory.getLogger(AmqpMailbox.class);
  private static final int PERSISTENT = 2;
  private static final int TRANSIENT = 1;
  /** kombu's {@code queue_expires} and {@code queue_ttl} of Celery's mailbox, in milliseconds. */
  private static final Map<String, Object> QUEUE_ARGUMENTS = Map.of("x-expires", 10_000, "x-message-ttl", 300_000);

  private final AmqpFleet fleet;
  /** Publishes requests and replies; guarded by this. */
  private Channel publishing;

  AmqpMailbox(AmqpFleet fleet) {
    this.fleet = fleet;
  }

  @Override
  public Subscription listen(String node, Consumer<Message> requests) {
    Channel channel = fleet.channel();
    String queue = node + "." + EXCHANGE;
    try {
      channel.exchangeDeclare(EXCHANGE, BuiltinExchangeType.FANOUT, false, false, null);
      AMQP.Queue.DeclareOk declared = channel.queueDeclare(queue, false, false, true, QUEUE_ARGUMENTS);
      channel.queueBind(queue, EXCHANGE, "");
      String tag = channel.basicConsume(queue, true, new DefaultConsumer(channel) {
        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
            byte[] body) {
          try {
            requests.accept(new Message(body, AmqpHeaders.fromTable(properties.getHeaders())));
          } catch (RuntimeException e) {
            log.error("Handling a remote-control request failed", e);
          }
        }
      });
      boolean shared = declared.getConsumerCount() > 0;
      return new Subscription() {
        @Override
        public boolean shared() {
          return shared;
        }

        @Override
        public void close() {
          try {
            if (channel.isOpen()) {
              channel.basicCancel(tag);
            }
          } catch (IOException | RuntimeException e) {
            log.debug("Cancelling the mailbox consumer of {}: {}", node, e.toString());
          }
          AmqpFleet.closeQuietly(channel);
        }
      };
    } catch (IOException | RuntimeException e) {
      AmqpFleet.closeQuietly(channel);
      throw new BrokerException("can't listen to the mailbox of " + node + " on " + fleet.url() + ": "
          + AmqpBroker.describe(e), e);
    }
  }

  @Override
  public void reply(String routingKey, Message reply) {
    publish(REPLY_EXCHANGE, routingKey, reply, TRANSIENT);
  }

  @Override
  public Replies replies(String clientId) {
    Channel channel = fleet.channel();
    String queue = clientId + "." + REPLY_EXCHANGE;
    LinkedBlockingQueue<Message> received = new LinkedBlockingQueue<>();
    try {
      channel.exchangeDeclare(REPLY_EXCHANGE, BuiltinExchangeType.DIRECT, false, false, null);
      channel.queueDeclare(queue, false, false, true, QUEUE_ARGUMENTS);
      channel.queueBind(queue, REPLY_EXCHANGE, clientId);
      channel.basicConsume(queue, true, new DefaultConsumer(channel) {
        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
            byte[] body) {
          received.add(new Message(body, AmqpHeaders.fromTable(properties.getHeaders())));
        }
      });
    } catch (IOException | RuntimeException e) {
      AmqpFleet.closeQuietly(channel);
      throw new BrokerException("can't open a reply queue on " + fleet.url() + ": " + AmqpBroker.describe(e), e);
    }
    return new Replies() {
      @Override
      public Message poll(Duration wait) throws InterruptedException {
        return received.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
      }

      @Override
      public void close() {
        try {
          if (channel.isOpen()) {
            channel.queueDelete(queue);
          }
        } catch (IOException | RuntimeException e) {
          log.debug("Deleting reply queue {}: {}", queue, e.toString());
        }
        AmqpFleet.closeQuietly(channel);
      }
    };
  }

  @Override
  public void broadcast(Message request) {
    publish(EXCHANGE, "", request, PERSISTENT);
  }

  /** Declares both exchanges once per channel, as kombu declares before it publishes, then publishes. */
  private synchronized void publish(String exchange, String routingKey, Message message, int deliveryMode) {
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
        .contentType("application/json")
        .contentEncoding("utf-8")
        .deliveryMode(deliveryMode)
        .priority(0)
        .headers(AmqpHeaders.toTable(message.headers()))
        .build();
    try {
      if (publishing == null || !publishing.isOpen()) {
        publishing = fleet.channel();
        publishing.exchangeDeclare(EXCHANGE, BuiltinExchangeType.FANOUT, false, false, null);
        publishing.exchangeDeclare(REPLY_EXCHANGE, BuiltinExchangeType.DIRECT, false, false, null);
      }
      publishing.basicPublish(exchange, routingKey, properties, message.body());
    } catch (IOException | RuntimeException e) {
      throw new BrokerException("could not publish to " + exchange + " on " + fleet.url() + ": "
          + AmqpBroker.describe(e), e);
    }
  }
}
