package dev.celeriac.worker;

/**
 * Interrupts one run of a task, at most once and never after it ended: for its time limit or because it was
 * revoked with {@code terminate}. Guarded by its own monitor, so that an interrupt never leaks into the slot's
 * next run.
 */
final class RunGuard {

  /** Why a run was interrupted. */
  enum Cause {
    TIME_LIMIT,
    TERMINATED
  }

  private final Thread runner;
  private volatile Cause cause;
  private boolean done;

  RunGuard(Thread runner) {
    this.runner = runner;
  }

  /** Interrupts the run for {@code why} unless it ended or was interrupted before; returns whether it did. */
  synchronized boolean interrupt(Cause why) {
    if (done || cause != null) {
      return false;
    }
    cause = why;
    runner.interrupt();
    return true;
  }

  /** Why the run was interrupted, or null. */
  Cause cause() {
    return cause;
  }

  /** The run ended: no interrupt from now on, and one that came after the task returned is cleared. */
  synchronized void finish() {
    done = true;
    if (cause != null) {
      Thread.interrupted();
    }
  }
}
