package dev.celeriac.broker;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * Revoked task ids kept on the broker, so that they outlive every worker: a worker that starts after a revoke,
 * even after the whole fleet restarted, still discards the task. Celery keeps revokes only in worker memory.
 * Thread-safe.
 */
public interface RevokeStore {

  /**
   * Records {@code ids} as revoked until {@code until}.
   *
   * @throws BrokerException when the broker did not take them
   */
  void add(Collection<String> ids, Instant until);

  /**
   * Every id still revoked at {@code now}, with the time it stops being revoked.
   *
   * @throws BrokerException when the broker did not answer
   */
  Map<String, Instant> load(Instant now);
}
