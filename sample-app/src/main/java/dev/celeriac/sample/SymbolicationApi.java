package dev.celeriac.sample;

import dev.celeriac.Extras;
import dev.celeriac.Kwarg;
import dev.celeriac.Task;
import java.util.Map;

/**
 * Tasks a Python Celery service implements: declared here so that Java produces them through a typed
 * stub ({@code SymbolicateTask.enqueue(...)}), checked like any task, with no worker entry in this JVM.
 */
public interface SymbolicationApi {

  @Task(name = "sentry.tasks.symbolication.symbolicate_event", queue = "symbolication")
  void symbolicate(@Kwarg("project_id") long projectId, @Kwarg("cache_key") String cacheKey,
      @Extras Map<String, Object> kwargs);
}
