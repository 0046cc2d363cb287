/**
 * The one small interface every broker implements (publish, fetch, acknowledge, park, dead-letter), so
 * that a worker never knows which broker it runs on. One sub-package per broker.
 */
package dev.celeriac.broker;
