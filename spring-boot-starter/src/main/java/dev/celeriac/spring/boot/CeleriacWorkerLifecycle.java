package dev.celeriac.spring.boot;

import dev.celeriac.Celeriac;
import dev.celeriac.metrics.MicrometerListener;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerListener;
import dev.celeriac.worker.WorkerOptions;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * The worker of a Spring Boot application ({@code celeriac.worker.enabled=true}): started once the application is
 * ready (its runners have run), so that no task runs on a context still starting, and stopped gracefully when the
 * context closes, with the worker's own semantics: fetching stops, unstarted messages go back to their queue at once,
 * running tasks get the shutdown timeout to finish. It stops in the first shutdown phase, while every other bean the
 * tasks use still runs. Its meters go to the context's {@link MeterRegistry}, if it has one.
 */
public final class CeleriacWorkerLifecycle
    implements SmartLifecycle, ApplicationListener<ApplicationReadyEvent>, ApplicationContextAware {

  private final Celeriac app;
  private final WorkerOptions options;
  private final ObjectProvider<MeterRegistry> meterRegistry;
  private ApplicationContext context;
  // Read without the lock, by health checks too, which must not wait for a graceful stop that holds it.
  private volatile Worker worker;
  private volatile boolean stopped;

  CeleriacWorkerLifecycle(Celeriac app, WorkerOptions options, ObjectProvider<MeterRegistry> meterRegistry) {
    this.app = app;
    this.options = options;
    this.meterRegistry = meterRegistry;
  }

  @Override
  public void setApplicationContext(ApplicationContext context) {
    this.context = context;
  }

  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    // A child context's ready event reaches its parent's listeners too: start with one's own.
    if (event.getApplicationContext() == context) {
      start();
    }
  }

  /** Not with the context's refresh: {@link #onApplicationEvent} starts the worker once the application is ready. */
  @Override
  public boolean isAutoStartup() {
    return false;
  }

  /** Starts a new worker, unless one runs. */
  @Override
  public synchronized void start() {
    if (isRunning()) {
      return;
    }
    WorkerOptions started = options;
    MeterRegistry registry = meterRegistry.getIfAvailable();
    if (registry != null && options.listener() == WorkerListener.NONE) {
      started = options.toBuilder().listener(new MicrometerListener(registry)).build();
    }
    worker = app.worker(started).start();
    stopped = false;
  }

  /** Stops the worker gracefully; returns once its running tasks finished or the shutdown timeout passed. */
  @Override
  public synchronized void stop() {
    if (worker != null && !stopped) {
      stopped = true;
      worker.stop();
    }
  }

  /** Whether the worker runs: started, not stopped, and not stopped by a fatal error of its own. */
  @Override
  public boolean isRunning() {
    Worker current = worker;
    return current != null && !stopped && current.fatalError() == null;
  }

  /** The default phase, the last to start and the first to stop. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE;
  }

  /** The worker started last, if any. */
  public Optional<Worker> worker() {
    return Optional.ofNullable(worker);
  }
}
