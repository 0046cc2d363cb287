package dev.celeriac.broker.redis;

import dev.celeriac.broker.BrokerException;

/**
 * The Redis master took a write, but fewer replicas than {@code redis.min-replica-acks} acknowledged it in time.
 * The write stands on the master (an enqueue that throws this may still run); it is lost only if the master is
 * lost before a replica copied it.
 */
public class NotReplicatedException extends BrokerException {

  public NotReplicatedException(String message) {
    super(message);
  }
}
