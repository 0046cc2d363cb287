/**
 * Celery protocol v2 on the wire: task messages, their JSON body, and the kombu envelope that Redis (and
 * the in-memory broker) store, so that Java and Python Celery share queues; and the conversion of a message's
 * plain values to the Java types a task declares.
 */
package dev.celeriac.protocol;
