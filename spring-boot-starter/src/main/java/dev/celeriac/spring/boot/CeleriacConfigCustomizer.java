package dev.celeriac.spring.boot;

import dev.celeriac.CeleriacConfig;

/**
 * Changes the configuration of the auto-configured {@code Celeriac} bean after the {@code celeriac.*} properties
 * are applied: for what they do not cover, such as {@code maxMessageBytes}, the Redis or RabbitMQ settings, or a
 * worker listener of your own (which then replaces the Micrometer one). Declare one or more as beans; they run in
 * {@link org.springframework.core.annotation.Order @Order}.
 */
@FunctionalInterface
public interface CeleriacConfigCustomizer {

  void customize(CeleriacConfig.Builder config);
}
