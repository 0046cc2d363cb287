/**
 * Running tasks: the worker's fetch loop and execution slots, argument binding, the retry and dead-letter
 * decisions, and the listener that observes them; and the worker's membership of a Celery fleet: its node
 * name, task events, remote-control commands and revoked ids.
 */
package dev.celeriac.worker;
