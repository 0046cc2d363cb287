/**
 * The embedded {@code memory://} broker: queues inside one JVM, for tests, demos and eager use. It stores
 * the same kombu envelopes as Redis, so messages go through the real encoding.
 */
package dev.celeriac.broker.memory;
