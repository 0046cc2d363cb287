package dev.celeriac.broker;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The broker's side of Celery's remote control ({@code kombu.pidbox}, mailbox {@code celery}): requests are
 * broadcast on the fanout exchange {@code celery.pidbox}, each worker node reads them from its own queue
 * {@code <node>.celery.pidbox}, and replies go to the direct exchange {@code reply.celery.pidbox} with the
 * asking client's id as routing key, to its queue {@code <client id>.reply.celery.pidbox}. Names, queue
 * arguments and delivery modes are kombu's, so Celery's own tools and workers take part. Thread-safe.
 */
public interface ControlMailbox {

  /** The request exchange: {@code <control_exchange>.pidbox}. */
  String EXCHANGE = "celery.pidbox";
  /** The reply exchange: {@code reply.<control_exchange>.pidbox}. */
  String REPLY_EXCHANGE = "reply.celery.pidbox";

  /** One message of the mailbox: its JSON body and its headers ({@code clock}, {@code expires}, {@code ticket}). */
  // Its bytes are a payload carried as received, never compared: record equality by array identity is fine.
  @SuppressWarnings("ArrayRecordComponent")
  record Message(byte[] body, Map<String, Object> headers) {}

  /** A node's subscription to the requests; closing it ends the subscription. */
  interface Subscription extends AutoCloseable {
    /**
     * Whether another consumer already read this node's queue when the subscription began: two workers with
     * one node name (kombu's "already using this process mailbox"). Only RabbitMQ can tell; Redis says false.
     */
    boolean shared();

    @Override
    void close();
  }

  /** A client's reply queue, bound until closed. */
  interface Replies extends AutoCloseable {
    /** The next reply, waiting up to {@code wait}; null when none came. */
    Message poll(Duration wait) throws InterruptedException;

    /** Unbinds and deletes the queue: replies that come later are dropped, as kombu's are. */
    @Override
    void close();
  }

  /**
   * Starts delivering the requests broadcast to every node to {@code requests}, on a thread of the mailbox's,
   * one at a time; the node itself decides which are meant for it. Survives reconnects.
   */
  Subscription listen(String node, Consumer<Message> requests);

  /** Publishes a reply to the client whose id is {@code routingKey}; dropped if its queue is gone. */
  void reply(String routingKey, Message reply);

  /**
   * Opens the reply queue of the client {@code clientId} ({@code <client id>.reply.celery.pidbox}). Open it
   * before broadcasting a request that asks for replies.
   */
  Replies replies(String clientId);

  /** Broadcasts a request to every node. */
  void broadcast(Message request);
}
