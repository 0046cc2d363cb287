/**
 * Running tasks: the worker's fetch loop and execution slots, argument binding, the retry and dead-letter
 * decisions, and the listener that observes them.
 */
package dev.celeriac.worker;
