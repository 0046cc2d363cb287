package dev.celeriac.broker.redis;

import java.nio.charset.StandardCharsets;

/**
 * Key names. kombu's own (queue lists, {@code unacked}, {@code unacked_index}, {@code _kombu.binding.*})
 * are spelled exactly as kombu spells them; Celeriac's own start with {@code celeriac:}.
 */
final class RedisKeys {

  /** kombu's separator between a queue name and its priority step. */
  static final String PRIORITY_SEPARATOR = "\u0006\u0016";
  /** kombu's priority steps; a message of priority p goes to the highest step not above p. 0 is served first. */
  static final int[] PRIORITY_STEPS = {0, 3, 6, 9};

  static final byte[] UNACKED = bytes("unacked");
  static final byte[] UNACKED_INDEX = bytes("unacked_index");
  static final byte[] WORKERS = bytes("celeriac:workers");
  static final byte[] QUEUES = bytes("celeriac:queues");
  static final String IN_FLIGHT_PREFIX = "celeriac:in-flight:";
  /** {@code celeriac:handoffs:<worker>}: the set of list keys whose hand-off lists the worker may hold. */
  static final String HANDOFFS_PREFIX = "celeriac:handoffs:";
  /** {@code celeriac:handoff:<worker>\n<list key>}: messages an idle worker's BLMOVE took from the list. */
  static final String HANDOFF_PREFIX = "celeriac:handoff:";

  private RedisKeys() {}

  /** The list a message of {@code priority} is pushed to. */
  static String priorityKey(String queue, int priority) {
    int step = 0;
    for (int candidate : PRIORITY_STEPS) {
      if (candidate <= priority) {
        step = candidate;
      }
    }
    return step == 0 ? queue : queue + PRIORITY_SEPARATOR + step;
  }

  static String delayed(String queue) {
    return "celeriac:delayed:" + queue;
  }

  /** The last slot {@code run cron} published for a schedule, in epoch milliseconds. */
  static String cron(String schedule) {
    return "celeriac:cron:" + schedule;
  }

  static String dead(String queue) {
    return "celeriac:dead:" + queue;
  }

  static String inFlight(String workerId) {
    return IN_FLIGHT_PREFIX + workerId;
  }

  /** The set naming the list keys of {@code workerId}'s hand-off lists, which recovery returns. */
  static String handoffs(String workerId) {
    return HANDOFFS_PREFIX + workerId;
  }

  /**
   * The list an idle worker's BLMOVE moves a message of {@code listKey} into; the worker's next fetch drains it
   * before the list itself, and recovery moves it back to the list if the worker's heartbeat lapses.
   */
  static byte[] handoff(String workerId, byte[] listKey) {
    byte[] prefix = bytes(HANDOFF_PREFIX + workerId + "\n");
    byte[] key = java.util.Arrays.copyOf(prefix, prefix.length + listKey.length);
    System.arraycopy(listKey, 0, key, prefix.length, listKey.length);
    return key;
  }

  /** kombu's binding set, written by Celery when it declares a queue. */
  static String binding(String queue) {
    return "_kombu.binding." + queue;
  }

  static String bindingMember(String queue) {
    return queue + PRIORITY_SEPARATOR + PRIORITY_SEPARATOR + queue;
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
