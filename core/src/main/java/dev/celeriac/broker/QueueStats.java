package dev.celeriac.broker;

/**
 * The state of one queue.
 *
 * @param queue the queue name
 * @param ready messages waiting to be fetched
 * @param inFlight messages fetched by a worker and not yet settled (RabbitMQ: unacked)
 * @param delayed messages parked until their eta
 * @param dead messages in the dead-letter store
 * @param bytes memory the queue's keys take on Redis, or -1 where the broker does not say
 */
public record QueueStats(String queue, long ready, long inFlight, long delayed, long dead, long bytes) {}
