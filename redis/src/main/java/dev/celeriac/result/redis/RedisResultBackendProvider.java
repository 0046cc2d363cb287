package dev.celeriac.result.redis;

import dev.celeriac.result.ResultBackend;
import dev.celeriac.result.ResultBackendProvider;
import dev.celeriac.result.ResultSettings;
import java.util.Set;

/**
 * Registers the Redis result backend ({@link RedisResultBackend#PROVIDER}) for {@code redis://}, {@code rediss://}
 * and {@code sentinel://} result URLs in {@code META-INF/services}.
 */
public final class RedisResultBackendProvider implements ResultBackendProvider {

  /** For {@link java.util.ServiceLoader}. */
  public RedisResultBackendProvider() {}

  @Override
  public Set<String> schemes() {
    return RedisResultBackend.PROVIDER.schemes();
  }

  @Override
  public ResultBackend open(String url, ResultSettings settings) {
    return RedisResultBackend.PROVIDER.open(url, settings);
  }
}
