package dev.celeriac.broker.redis;

import java.time.Duration;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * {@code redis.min-replica-acks}: a write counts as done once that many replicas hold it. Redis replicates
 * asynchronously; {@code WAIT}, sent on the connection that made the write, blocks until that many replicas
 * acknowledged everything that connection wrote so far. Waiting goes on in short rounds on that same connection,
 * so that a long wait never meets the socket timeout.
 */
final class ReplicaAcks {

  private static final long ROUND_MILLIS = 1000;

  private final int replicas;
  private final Duration timeout;
  private final RedisEndpoint endpoint;

  /**
   * @param replicas how many replicas must acknowledge; 0 trusts the master's reply alone
   * @param timeout how long a write waits for them before it fails
   */
  ReplicaAcks(int replicas, Duration timeout, RedisEndpoint endpoint) {
    this.replicas = replicas;
    this.timeout = timeout;
    this.endpoint = endpoint;
  }

  /** Whether writes wait for replicas at all. */
  boolean wanted() {
    return replicas > 0;
  }

  /**
   * Returns once enough replicas acknowledged the writes {@code pipeline} sent and synced so far.
   *
   * @param what the write, for the message: "enqueue", "ack", ...
   * @throws NotReplicatedException when fewer replicas acknowledged within the timeout
   */
  void await(Pipeline pipeline, String what) {
    if (!wanted()) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      Response<Long> acknowledged = pipeline.waitReplicas(replicas, Math.min(ROUND_MILLIS, left));
      pipeline.sync();
      long count = acknowledged.get();
      if (count >= replicas) {
        return;
      }
      if (System.nanoTime() >= deadline) {
        throw new NotReplicatedException("the " + what + " on " + endpoint + " reached only " + count + " of the "
            + replicas + " replicas that redis.min-replica-acks asks for within " + timeout.toMillis() + " ms; the"
            + " master holds it, but it would be lost with the master");
      }
    }
  }
}
