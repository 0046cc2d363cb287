package dev.celeriac.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The revoked set as Celery's {@code LimitedSet(maxlen=50000, expires=10800)}, on a hand-moved monotonic clock. */
class RevokedTasksTest {

  private final AtomicLong nanos = new AtomicLong(Duration.ofHours(5).toNanos());
  private final RevokedTasks revoked = new RevokedTasks(Duration.ofHours(3), nanos::get);

  private void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }

  @Test
  void anIdStaysRevokedForTheExpiryThenGoes() {
    revoked.addAll(List.of("a"));
    advance(Duration.ofHours(3).minusSeconds(1));
    assertTrue(revoked.contains("a"));
    advance(Duration.ofSeconds(1));
    assertFalse(revoked.contains("a"));
    assertEquals(List.of(), revoked.ids());
  }

  @Test
  void theOldestGoFirstBeyondFiftyThousand() {
    for (int i = 0; i <= RevokedTasks.MAX_SIZE; i++) {
      advance(Duration.ofNanos(1));
      revoked.addAll(List.of("id-" + i));
    }
    assertEquals(RevokedTasks.MAX_SIZE, revoked.size());
    assertFalse(revoked.contains("id-0"));
    assertTrue(revoked.contains("id-1") && revoked.contains("id-" + RevokedTasks.MAX_SIZE));
  }

  @Test
  void mingleDataTravelsAsFloatSecondsAndComesBackTheSame() {
    revoked.addAll(List.of("a"));
    Map<String, Object> data = revoked.asMingle();
    List<?> entry = (List<?>) data.get("a");
    assertEquals(List.of(BigDecimal.valueOf(Duration.ofHours(5).toNanos() / 1e9), "a"), entry);
    assertTrue(entry.get(0).toString().contains("."), "a float, as Python's LimitedSet.update insists: " + entry);

    RevokedTasks peer = new RevokedTasks(Duration.ofHours(3), nanos::get);
    peer.merge(Map.of("a", List.of(18000.0, "a"), "b", 17000.0, "bad", "not a time"));
    assertTrue(peer.contains("a") && peer.contains("b"));
    assertFalse(peer.contains("bad"));
  }

  @Test
  void aPeersEntriesThatThisClockFindsExpiredAreLeftOutAndFutureOnesCountFromNow() {
    RevokedTasks peer = new RevokedTasks(Duration.ofHours(3), nanos::get);
    double now = nanos.get() / 1e9;
    peer.merge(Map.of("old", List.of(now - 4 * 3600.0, "old"), "ahead", List.of(now + 3600.0, "ahead")));
    assertEquals(List.of("ahead"), peer.ids());
    advance(Duration.ofHours(3));
    assertFalse(peer.contains("ahead"), "a time ahead of this clock counts as now, not later");
  }

  @Test
  void storedEntriesKeepTheirRemainingTime() {
    revoked.addRemaining("stored", Duration.ofMinutes(10));
    advance(Duration.ofMinutes(9));
    assertTrue(revoked.contains("stored"));
    advance(Duration.ofMinutes(1));
    assertFalse(revoked.contains("stored"));
  }
}
