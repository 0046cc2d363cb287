package dev.celeriac.result.redis;

import dev.celeriac.broker.redis.RedisClients;
import dev.celeriac.broker.redis.RedisSettings;
import dev.celeriac.canvas.ChordStore;
import dev.celeriac.canvas.ChordStoreProvider;
import dev.celeriac.result.ResultSettings;
import java.util.Set;

/**
 * Counts chords in the Redis result backend's keys, as Celery's do ({@link RedisChordStore}). Registered in
 * {@code META-INF/services}.
 */
public final class RedisChordStoreProvider implements ChordStoreProvider {

  /** For {@link java.util.ServiceLoader}. */
  public RedisChordStoreProvider() {}

  @Override
  public Set<String> schemes() {
    return RedisResultBackend.PROVIDER.schemes();
  }

  @Override
  public ChordStore open(String url, ResultSettings settings) {
    return new RedisChordStore(RedisClients.connect(url, RedisSettings.of(settings.brokerSettings())),
        (int) Math.min(Integer.MAX_VALUE, settings.expires().toSeconds()), settings.clock());
  }
}
