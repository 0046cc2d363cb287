package dev.celeriac.broker.redis;

import static dev.celeriac.broker.redis.RedisKeys.bytes;

import dev.celeriac.broker.MessagePublisher;
import dev.celeriac.protocol.Ids;
import dev.celeriac.protocol.KombuEnvelope;
import dev.celeriac.protocol.TaskMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.UnifiedJedis;

/**
 * The producing side of {@link RedisBroker}: {@code LPUSH} of the plain kombu envelope to the queue's priority list,
 * as Celery's producers do, pipelined, declaring each queue the first time this process sends to it.
 */
final class RedisPublisher implements MessagePublisher {

  /** Values in one LPUSH of a batch: about 100 KB of envelopes, a few of the pipeline's buffers. */
  static final int PUSH_RUN = 64;

  private final UnifiedJedis redis;
  private final RedisCalls calls;
  private final ReplicaAcks replicaAcks;
  /** The queues this process declared, shared by the broker's parts. */
  private final Set<String> declaredQueues;

  RedisPublisher(UnifiedJedis redis, RedisCalls calls, ReplicaAcks replicaAcks, Set<String> declaredQueues) {
    this.redis = redis;
    this.calls = calls;
    this.replicaAcks = replicaAcks;
    this.declaredQueues = declaredQueues;
  }

  @Override
  public void publish(String queue, TaskMessage message) {
    publishAll(List.of(new Outgoing(queue, message)));
  }

  @Override
  public void publishAll(List<Outgoing> messages) {
    if (messages.isEmpty()) {
      return;
    }
    Set<String> newQueues = new TreeSet<>();
    for (Outgoing outgoing : messages) {
      if (!declaredQueues.contains(outgoing.queue())) {
        newQueues.add(outgoing.queue());
      }
    }
    // A run of messages for one list goes out as one LPUSH with many values: Redis stores them in the
    // order of separate pushes at a fraction of the cost per command, and the pipeline has one reply
    // per run. Runs are short, so that Redis stores the first ones while the rest are encoded (the
    // pipeline writes out every few kilobytes). Envelopes are kept for a retry, which sends them again.
    List<byte[]> envelopes = new ArrayList<>(messages.size());
    calls.withRetry("enqueue", () -> {
      try (Pipeline pipeline = RedisClients.pipeline(redis)) {
        for (String queue : newQueues) {
          RedisCalls.declare(pipeline, queue);
        }
        for (int start = 0, end; start < messages.size(); start = end) {
          String key = priorityKey(messages.get(start));
          end = start + 1;
          while (end < messages.size() && end - start < PUSH_RUN && key.equals(priorityKey(messages.get(end)))) {
            end++;
          }
          for (int i = envelopes.size(); i < end; i++) {
            Outgoing outgoing = messages.get(i);
            envelopes.add(KombuEnvelope.encode(outgoing.message(), outgoing.queue(), Ids.uuid()));
          }
          pipeline.lpush(bytes(key), envelopes.subList(start, end).toArray(new byte[0][]));
        }
        RedisCalls.syncOrThrow(pipeline);
        replicaAcks.await(pipeline, "enqueue");
      }
      return null;
    });
    declaredQueues.addAll(newQueues);
  }

  private static String priorityKey(Outgoing outgoing) {
    return RedisKeys.priorityKey(outgoing.queue(), outgoing.message().priority());
  }
}
