package dev.celeriac.broker.redis;

import static dev.celeriac.broker.redis.RedisKeys.bytes;

import dev.celeriac.broker.CronLock;
import dev.celeriac.protocol.Ids;
import dev.celeriac.protocol.KombuEnvelope;
import dev.celeriac.protocol.TaskMessage;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import redis.clients.jedis.UnifiedJedis;

/**
 * The cron lock of {@link RedisBroker}: one script checks the schedule's last slot in {@code celeriac:cron:<name>},
 * records the new one and pushes the message, atomically, so no lock is ever held (never {@link SlotOutcome#LOCKED}).
 */
final class RedisCronLock implements CronLock {

  private static final LuaScript CRON_SLOT = LuaScript.load("cron_slot");

  private final UnifiedJedis redis;
  private final RedisCalls calls;
  private final ReplicaAcks replicaAcks;
  /** The queues this process declared, shared by the broker's parts. */
  private final Set<String> declaredQueues;

  RedisCronLock(UnifiedJedis redis, RedisCalls calls, ReplicaAcks replicaAcks, Set<String> declaredQueues) {
    this.redis = redis;
    this.calls = calls;
    this.replicaAcks = replicaAcks;
    this.declaredQueues = declaredQueues;
  }

  @Override
  public SlotOutcome publishSlot(String schedule, Instant slot, Instant firstSlotFrom, String queue,
      TaskMessage message) {
    byte[] envelope = KombuEnvelope.encode(message, queue, Ids.uuid());
    Object published = calls.withRetry("cron enqueue", () -> CRON_SLOT.run(redis,
        List.of(bytes(RedisKeys.cron(schedule)), bytes(RedisKeys.priorityKey(queue, message.priority())),
            RedisKeys.QUEUES, bytes(RedisKeys.binding(queue))),
        List.of(bytes(Long.toString(slot.toEpochMilli())), bytes(Long.toString(firstSlotFrom.toEpochMilli())),
            envelope, bytes(queue), bytes(RedisKeys.bindingMember(queue))), replicaAcks, "cron slot " + schedule));
    declaredQueues.add(queue);
    return ((Long) published) == 1 ? SlotOutcome.FIRED : SlotOutcome.SKIPPED;
  }
}
