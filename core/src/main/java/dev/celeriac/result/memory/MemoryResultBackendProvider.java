package dev.celeriac.result.memory;

import dev.celeriac.result.ResultBackend;
import dev.celeriac.result.ResultBackendProvider;
import dev.celeriac.result.ResultSettings;
import java.util.Set;

/** Registers {@link MemoryResultBackend#PROVIDER} for {@code memory://} in core's {@code META-INF/services}. */
public final class MemoryResultBackendProvider implements ResultBackendProvider {

  /** For {@link java.util.ServiceLoader}. */
  public MemoryResultBackendProvider() {}

  @Override
  public Set<String> schemes() {
    return MemoryResultBackend.PROVIDER.schemes();
  }

  @Override
  public ResultBackend open(String url, ResultSettings settings) {
    return MemoryResultBackend.PROVIDER.open(url, settings);
  }
}
