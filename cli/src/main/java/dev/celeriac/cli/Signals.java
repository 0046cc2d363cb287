package dev.celeriac.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
// No public API handles SIGTERM and SIGINT in Java 17; javac warns of this one on every build, and no
// @SuppressWarnings silences that warning.
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT for the long-running commands, as Celery's warm and cold shutdown: the first signal
 * starts a graceful stop; a second one ends the process at once with exit code 1. Nothing is lost even
 * then: unsettled messages stay the broker's (RabbitMQ requeues them when the connection drops, Redis
 * workers take them back after the heartbeat timeout).
 *
 * <p>The handlers replace the JVM's, so shutdown hooks do not run on these signals: the graceful stop is
 * the command's own code, which returns its exit code normally.
 */
final class Signals {

  private static final Logger log = LoggerFactory.getLogger(Signals.class);

  /** The exit code of a stop forced by a second signal, as Celery's cold shutdown. */
  static final int FORCED = 1;
  /**
   * A signal this soon after the first is the same one delivered twice, not a second request: {@code timeout(1)}
   * and other process-group kills send SIGTERM to the process and to its group, microseconds apart.
   */
  static final long REPEAT_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(250);

  private Signals() {}

  /** Runs {@code graceful} on a new thread at the first SIGTERM or SIGINT; halts at the second. */
  static void onTerminate(String what, Runnable graceful) {
    Object lock = new Object();
    long[] first = {0};
    boolean[] stopping = {false};
    for (String name : new String[] {"TERM", "INT"}) {
      // The JVM runs each signal's handler on a thread of its own: two signals may race, hence the lock.
      Signal.handle(new Signal(name), signal -> {
        synchronized (lock) {
          if (!stopping[0]) {
            stopping[0] = true;
            first[0] = System.nanoTime();
            log.info("SIG{}: stopping the {} gracefully; send it again to stop at once", signal.getName(), what);
            Thread stopper = new Thread(graceful, "celeriac-graceful-stop");
            stopper.setDaemon(true);
            stopper.start();
            return;
          }
          if (System.nanoTime() - first[0] < REPEAT_NANOS) {
            log.info("SIG{} again at once: taken as the same signal delivered twice; send it again to stop at once",
                signal.getName());
            return;
          }
        }
        System.err.println("celeriac: second SIG" + signal.getName() + ": stopping the " + what + " at once;"
            + " unsettled messages stay with the broker and run again");
        System.err.flush();
        Runtime.getRuntime().halt(FORCED);
      });
    }
  }
}
