package dev.celeriac.sample;

import dev.celeriac.Default;
import dev.celeriac.Extras;
import dev.celeriac.Kwarg;
import dev.celeriac.Task;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Digest e-mails. An instance task: one {@code DigestTasks} per worker, made with its no-argument constructor. */
public class DigestTasks {

  private final MailRenderer renderer = new MailRenderer();

  /** Sends a project's digest to the given users. */
  @Task(name = "sample.tasks.digests.send_digest", queue = "digests", maxRetries = 3)
  public void sendDigest(@Kwarg("project_id") long projectId,
      @Kwarg("user_ids") List<Long> userIds,
      @Default("DAILY") DigestInterval interval,
      @Extras Map<String, Object> kwargs) {
    int events = EventStore.get().eventsOf(projectId).size();
    for (long userId : userIds) {
      SampleLog.line("send_digest %s", renderer.render(userId, projectId, interval, events));
    }
  }

  /** Renders the one-line digest; a stand-in for a template engine. */
  static final class MailRenderer {
    String render(long userId, long projectId, DigestInterval interval, int events) {
      return interval.name().toLowerCase(Locale.ROOT) + " digest to user " + userId + ": project " + projectId + " has "
          + events + " event" + (events == 1 ? "" : "s");
    }
  }
}
