package dev.celeriac.canvas;

import dev.celeriac.result.ResultSettings;
import java.util.Set;

/**
 * Opens the {@link ChordStore} of a result backend that counts chord headers in its own storage, as Celery's Redis
 * backend does. Registered in {@code META-INF/services/dev.celeriac.canvas.ChordStoreProvider} by the module that
 * brings the backend; a backend without one (rpc://, as in Celery) has no chords.
 */
public interface ChordStoreProvider {

  /** The result backend URL schemes whose chords this provider counts, lower case. */
  Set<String> schemes();

  /** Opens the chord store beside the result backend at {@code url}. */
  ChordStore open(String url, ResultSettings settings);
}
