package dev.celeriac.worker;

/** What became of one delivered message. */
public enum Outcome {
  /** The task ran and returned; the message was acked. */
  SUCCEEDED,
  /** The task failed and a retry message was published. */
  RETRIED,
  /** The message went to the dead-letter store. */
  DEAD_LETTERED,
  /** The message had expired and was discarded unrun. */
  EXPIRED,
  /** The task's id was revoked: its message was discarded unrun, or its run was terminated; the message was acked. */
  REVOKED,
  /** The message was early and was parked until its eta. */
  DEFERRED,
  /** The worker was stopping; the message went back to its queue. */
  REQUEUED
}
