package dev.celeriac.testsupport;

import java.util.concurrent.TimeUnit;

/** Ending the child processes a test started: only ever by their own handles, never by name or port. */
public final class Processes {

  private Processes() {}

  /** SIGTERM, up to 10 s to exit, then SIGKILL; nothing if it is null or has already exited. */
  public static void stop(Process process) {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
