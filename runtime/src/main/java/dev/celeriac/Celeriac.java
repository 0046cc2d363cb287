package dev.celeriac;

import java.util.Map;

/** Placeholder while the runtime is written; replaced in the same change. */
public final class Celeriac {
  private static volatile Celeriac defaultApp;

  public static Celeriac getDefault() {
    Celeriac app = defaultApp;
    if (app == null) {
      throw new IllegalStateException("no default Celeriac app: call Celeriac.setDefault(app) or use .on(app)");
    }
    return app;
  }

  public static void setDefault(Celeriac app) {
    defaultApp = app;
  }

  TaskRef enqueue(TaskDefinition definition, Map<String, Object> kwargs, Map<String, Object> extras,
      EnqueueOptions options) {
    throw new UnsupportedOperationException();
  }
}
