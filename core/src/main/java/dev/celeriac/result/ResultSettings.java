package dev.celeriac.result;

import dev.celeriac.broker.Broker;
import dev.celeriac.broker.BrokerSettingsSet;
import java.time.Clock;
import java.time.Duration;

/**
 * What a backend is opened with.
 *
 * @param expires how long stored results live (Celery's {@code result_expires})
 * @param brokerSettings the broker modules' settings: a backend that shares a broker's server reads its own
 * @param broker the app's broker: the rpc:// backend sends its replies through it
 * @param brokerUrl the app's broker URL
 */
public record ResultSettings(Duration expires, Clock clock, BrokerSettingsSet brokerSettings, Broker broker,
    String brokerUrl) {}
