package dev.celeriac.worker;

import java.util.Locale;

/** Why a message went to the dead-letter store, for metrics and alerts; the stored reason says more. */
public enum DeadLetterCause {
  /** The bytes are not a task message (bad JSON, missing body, bad header values). */
  UNDECODABLE,
  /** Protocol 1 or pickle: never executed. */
  NOT_PROTOCOL_V2,
  /** No task index on the worker's class path declares the task. */
  UNKNOWN_TASK,
  /** The task is declared here but implemented elsewhere (an abstract {@code @Task}). */
  NOT_IMPLEMENTED,
  /** The arguments don't fit the task: missing, unconvertible or surplus — typically a deploy mismatch. */
  BAD_ARGUMENTS,
  /** The task failed with an exception its retry policy does not retry. */
  FAILED,
  /** The task failed on its last allowed run. */
  RETRIES_EXHAUSTED,
  /** The task asked for a retry that could not be published. */
  RETRY_NOT_PUBLISHED,
  /**
   * What the message's canvas asks for after the run (a callback, chain step, errback or chord part) could not be
   * sent, even after retrying: kept so that it can be replayed.
   */
  FOLLOW_UP_NOT_SENT;

  /** The lower-case name used as a metric tag, for example {@code bad_arguments}. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
