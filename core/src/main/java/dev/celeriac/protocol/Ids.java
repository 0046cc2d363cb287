package dev.celeriac.protocol;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Random version-4 UUIDs for task ids and delivery tags, as Celery makes them, and ids derived from a seed. They
 * must be unique, not unguessable, so they come from {@link ThreadLocalRandom} rather than
 * {@link UUID#randomUUID()}, whose shared {@code SecureRandom} serialises producer threads.
 */
public final class Ids {

  private Ids() {}

  /** A new random UUID, as text. */
  public static String uuid() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  /**
   * Ids derived from {@code seed}: the n-th call returns the same name-based (version 3) UUID for the same seed
   * whenever it is asked, so a redelivered task gives what it sends the ids it gave them the first time.
   */
  public static Supplier<String> derived(String seed) {
    int[] next = {0};
    return () -> UUID.nameUUIDFromBytes((seed + "/" + next[0]++).getBytes(StandardCharsets.UTF_8)).toString();
  }
}
