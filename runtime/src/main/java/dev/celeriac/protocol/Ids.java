package dev.celeriac.protocol;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random version-4 UUIDs for task ids and delivery tags, as Celery makes them. They must be unique, not
 * unguessable, so they come from {@link ThreadLocalRandom} rather than {@link UUID#randomUUID()}, whose
 * shared {@code SecureRandom} serialises producer threads.
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
}
