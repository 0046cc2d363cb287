package dev.celeriac;

import java.time.ZoneId;
import java.util.Objects;

/** A task's {@link Periodic} schedule: a cron expression read in a time zone. */
public final class Schedule {

  private final String cron;
  private final ZoneId zone;

  public Schedule(String cron, ZoneId zone) {
    this.cron = Objects.requireNonNull(cron);
    this.zone = Objects.requireNonNull(zone);
  }

  public String cron() {
    return cron;
  }

  public ZoneId zone() {
    return zone;
  }

  @Override
  public String toString() {
    return cron + " (" + zone + ")";
  }
}
