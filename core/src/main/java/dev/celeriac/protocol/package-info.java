/**
 * Celery protocol v2 on the wire: task messages, their JSON body, and the kombu envelope that Redis (and
 * the in-memory broker) store, so that Java and Python Celery share queues.
 */
package dev.celeriac.protocol;
