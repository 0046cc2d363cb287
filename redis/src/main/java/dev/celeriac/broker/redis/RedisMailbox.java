package dev.celeriac.broker.redis;

import static dev.celeriac.broker.redis.RedisKeys.bytes;

import dev.celeriac.broker.BrokerException;
import dev.celeriac.broker.ControlMailbox;
import dev.celeriac.protocol.KombuEnvelope;
import dev.celeriac.protocol.TaskMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Celery's remote-control mailbox on Redis, as kombu's virtual transport keeps it. Requests are fanned out with
 * {@code PUBLISH /<db>.celery.pidbox}, and a node subscribes to that channel (binding its queue in
 * {@code _kombu.binding.celery.pidbox}, as kombu does, though pub/sub needs no binding). A client binds its reply
 * queue in {@code _kombu.binding.reply.celery.pidbox} and pops it; a reply goes to every queue bound with its
 * routing key, or nowhere. Requests are persistent ({@code delivery_mode} 2), replies transient (1).
 */
final class RedisMailbox implements ControlMailbox {

  private static final Logger log = LoggerFactory.getLogger(RedisMailbox.class);
  private static final LuaScript REPLY = LuaScript.load("pidbox_reply");
  private static final int PERSISTENT = 2;
  private static final int TRANSIENT = 1;
  private static final long MAX_BACKOFF_MILLIS = 5_000;
  private static final long SUBSCRIBE_WAIT_MILLIS = 5_000;

  private final UnifiedJedis redis;
  private final int database;
  private final RedisEndpoint url;

  RedisMailbox(UnifiedJedis redis, int database, RedisEndpoint url) {
    this.redis = redis;
    this.database = database;
    this.url = url;
  }

  @Override
  public Subscription listen(String node, Consumer<Message> requests) {
    String binding = RedisKeys.binding(EXCHANGE);
    String member = RedisFleetKeys.bindingMember("", RedisFleetKeys.nodeQueue(node));
    try {
      // Only for tools that list kombu's bindings: pub/sub delivers without it.
      redis.sadd(binding, member);
    } catch (JedisException e) {
      log.debug("Could not bind the mailbox of {} on {}: {}", node, url, e.getMessage());
    }
    NodeSubscription subscription = new NodeSubscription(requests, () -> {
      try {
        redis.srem(binding, member);
      } catch (JedisException e) {
        log.debug("Could not unbind the mailbox of {} on {}: {}", node, url, e.getMessage());
      }
    });
    subscription.start(node);
    return subscription;
  }

  @Override
  public void reply(String routingKey, Message reply) {
    byte[] envelope = RedisFleetKeys.envelope(REPLY_EXCHANGE, routingKey, reply.body(), reply.headers(), TRANSIENT);
    once("reply to " + routingKey, () -> REPLY.run(redis, List.of(bytes(RedisKeys.binding(REPLY_EXCHANGE))),
        List.of(bytes(routingKey), envelope)));
  }

  @Override
  public Replies replies(String clientId) {
    String binding = RedisKeys.binding(REPLY_EXCHANGE);
    String queue = RedisFleetKeys.replyQueue(clientId);
    String member = RedisFleetKeys.bindingMember(clientId, queue);
    once("bind a reply queue", () -> redis.sadd(binding, member));
    List<String> lists = new ArrayList<>();
    for (int step : RedisKeys.PRIORITY_STEPS) {
      lists.add(RedisKeys.priorityKey(queue, step));
    }
    String[] keys = lists.toArray(String[]::new);
    return new Replies() {
      @Override
      public Message poll(Duration wait) {
        // BRPOP takes whole seconds on every Redis version kombu supports.
        int seconds = (int) Math.max(1, (wait.toMillis() + 999) / 1000);
        List<String> popped = once("read replies", () -> redis.brpop(seconds, keys));
        return popped == null || popped.size() < 2 ? null : message(popped.get(1).getBytes(StandardCharsets.UTF_8));
      }

      @Override
      public void close() {
        try {
          redis.srem(binding, member);
          redis.del(keys);
        } catch (JedisException e) {
          log.debug("Could not delete reply queue {} on {}: {}", queue, url, e.getMessage());
        }
      }
    };
  }

  @Override
  public void broadcast(Message request) {
    byte[] envelope = RedisFleetKeys.envelope(EXCHANGE, "", request.body(), request.headers(), PERSISTENT);
    once("broadcast a remote-control request", () -> redis.publish(bytes(RedisFleetKeys.pidbox(database)), envelope));
  }

  /** The body and headers of a kombu envelope. */
  private static Message message(byte[] envelope) {
    TaskMessage message = KombuEnvelope.decode(envelope).message();
    return new Message(message.body(), message.headers());
  }

  private <T> T once(String what, java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (JedisException e) {
      throw new BrokerException("could not " + what + " on " + url + ": " + e.getMessage(), e);
    }
  }

  /** A node's subscription: one thread subscribed to the request channel, subscribing again after a failure. */
  private final class NodeSubscription extends JedisPubSub implements Subscription {
    private final Consumer<Message> requests;
    private final Runnable unbind;
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private volatile boolean closed;
    private Thread thread;

    NodeSubscription(Consumer<Message> requests, Runnable unbind) {
      this.requests = requests;
      this.unbind = unbind;
    }

    /**
     * Starts the subscription and waits until Redis confirms it (at most {@link #SUBSCRIBE_WAIT_MILLIS}): a
     * PUBLISH reaches only confirmed subscribers, so a request sent right after the worker started would
     * otherwise be lost. Past the wait the thread keeps trying on its own.
     */
    void start(String node) {
      thread = new Thread(this::subscribe, "celeriac-pidbox-" + node);
      thread.setDaemon(true);
      thread.start();
      try {
        if (!subscribed.await(SUBSCRIBE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
          log.warn("Remote control on {} is not subscribed yet after {} ms; it keeps trying", url,
              SUBSCRIBE_WAIT_MILLIS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void onPSubscribe(String pattern, int subscribedChannels) {
      subscribed.countDown();
    }

    private void subscribe() {
      String channel = RedisFleetKeys.pidbox(database);
      long backoff = 100;
      while (!closed) {
        try {
          redis.psubscribe(this, channel);
          backoff = 100;
        } catch (JedisException e) {
          if (closed) {
            return;
          }
          log.warn("Remote control on {} lost its subscription; subscribing again in {} ms: {}", url, backoff,
              e.getMessage());
          try {
            Thread.sleep(backoff);
          } catch (InterruptedException interrupted) {
            return;
          }
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        }
      }
    }

    @Override
    public void onPMessage(String pattern, String channel, String payload) {
      Message request;
      try {
        request = message(payload.getBytes(StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        log.warn("Ignoring a remote-control message that is not a kombu envelope: {}", e.getMessage());
        return;
      }
      try {
        requests.accept(request);
      } catch (RuntimeException e) {
        log.error("Handling a remote-control request failed", e);
      }
    }

    @Override
    public boolean shared() {
      return false;
    }

    @Override
    public void close() {
      closed = true;
      // The thread may be between subscriptions: unsubscribe whenever it is subscribed, until it ends.
      for (int attempt = 0; attempt < 50 && thread.isAlive(); attempt++) {
        if (isSubscribed()) {
          try {
            punsubscribe();
          } catch (JedisException e) {
            thread.interrupt();
          }
        }
        try {
          thread.join(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      unbind.run();
    }
  }
}
