package dev.celeriac.result;

import java.util.Set;

/**
 * Opens result backends for some URL schemes; found with {@link java.util.ServiceLoader}, so that a module on the
 * class path can bring its own.
 */
public interface ResultBackendProvider {

  /** The URL schemes this provider opens, lower case, for example {@code redis}. */
  Set<String> schemes();

  /** Opens the backend at {@code url}. */
  ResultBackend open(String url, ResultSettings settings);
}
