package dev.celeriac.sample;

import dev.celeriac.Default;
import dev.celeriac.Extras;
import dev.celeriac.Periodic;
import dev.celeriac.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Routine jobs, fired by {@code run cron} on their schedule. */
public final class CleanupTasks {

  private CleanupTasks() {}

  /** Deletes events older than {@code days}. Every night at 03:00 UTC. */
  @Task(name = "sample.tasks.cleanup.delete_old_events", queue = "cleanup", timeLimitSeconds = 600)
  @Periodic(cron = "0 3 * * *", zone = "UTC")
  public static void deleteOldEvents(@Default("30") int days, @Extras Map<String, Object> kwargs) {
    int deleted = EventStore.get().deleteBefore(Instant.now().minus(Duration.ofDays(days)));
    SampleLog.line("cleanup     deleted %d event%s older than %d days", deleted, deleted == 1 ? "" : "s", days);
  }
}
