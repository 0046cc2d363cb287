/**
 * Eager mode as a broker: {@link dev.celeriac.broker.eager.EagerBroker} runs each message it is given in the
 * publishing thread, through a worker's executor, instead of queueing it.
 */
package dev.celeriac.broker.eager;
