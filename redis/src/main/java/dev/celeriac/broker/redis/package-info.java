/**
 * The Redis broker, speaking kombu's layout so that Python Celery shares the queues: priority lists,
 * the {@code unacked}/{@code unacked_index} in-flight records, plus Celeriac's heartbeats, delayed sets
 * and dead-letter lists. Every move is one Lua script: atomic, with no window that loses a message.
 * {@link dev.celeriac.broker.redis.RedisClients} makes every Redis client, Sentinel-managed ones included.
 */
package dev.celeriac.broker.redis;
