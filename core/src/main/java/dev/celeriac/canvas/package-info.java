/**
 * Celery's canvas on the wire: signatures as Celery encodes them, and the one applier that turns a signature,
 * chain, group or chord into task messages, for producers and for the follow-ups a worker sends.
 */
package dev.celeriac.canvas;
