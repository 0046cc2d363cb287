package dev.celeriac.result;

import dev.celeriac.broker.Broker;
import dev.celeriac.broker.amqp.AmqpSettings;
import dev.celeriac.broker.redis.RedisSettings;
import java.time.Clock;
import java.time.Duration;

/**
 * What a backend is opened with.
 *
 * @param expires how long stored results live (Celery's {@code result_expires})
 * @param broker the app's broker: the rpc:// backend sends its replies through it
 * @param brokerUrl the app's broker URL
 */
public record ResultSettings(Duration expires, Clock clock, RedisSettings redis, AmqpSettings amqp, Broker broker,
    String brokerUrl) {}
