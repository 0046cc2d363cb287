package dev.celeriac.processor.model;

import java.util.Objects;

/**
 * A checked {@code @Periodic}.
 *
 * @param cron the cron expression or macro, as written
 * @param zone the time zone id, as written
 */
public record ScheduleDescriptor(String cron, String zone) {

  public ScheduleDescriptor {
    Objects.requireNonNull(cron);
    Objects.requireNonNull(zone);
  }
}
