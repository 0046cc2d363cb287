package dev.celeriac.spring.boot;

import dev.celeriac.Celeriac;
import dev.celeriac.ConfigurationException;
import dev.celeriac.cron.Cron;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * Fires the {@code @Periodic} tasks from a Spring Boot application ({@code celeriac.cron.enabled=true}), as {@code run
 * cron} does: each slot once across every cron on the broker. Started once the application is ready, on a thread of
 * its own, and stopped when the context closes. Counts what it fires in the context's {@link MeterRegistry}, if any.
 */
public final class CeleriacCronLifecycle
    implements SmartLifecycle, ApplicationListener<ApplicationReadyEvent>, ApplicationContextAware {

  private static final Logger log = LoggerFactory.getLogger(CeleriacCronLifecycle.class);
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  private final Celeriac app;
  private final ObjectProvider<MeterRegistry> meterRegistry;
  private ApplicationContext context;
  private Cron cron;
  private Thread thread;

  CeleriacCronLifecycle(Celeriac app, ObjectProvider<MeterRegistry> meterRegistry) {
    this.app = app;
    this.meterRegistry = meterRegistry;
  }

  @Override
  public void setApplicationContext(ApplicationContext context) {
    this.context = context;
  }

  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    if (event.getApplicationContext() == context) {
      start();
    }
  }

  @Override
  public boolean isAutoStartup() {
    return false;
  }

  /**
   * Starts firing, unless it already does.
   *
   * @throws ConfigurationException when no task on the class path is {@code @Periodic}, as {@code run cron} refuses
   */
  @Override
  public synchronized void start() {
    if (isRunning()) {
      return;
    }
    Cron started = app.cron();
    if (started.schedules().isEmpty()) {
      throw new ConfigurationException("celeriac.cron.enabled is true, but no task in the task index on the class"
          + " path is @Periodic: there is nothing to fire");
    }
    meterRegistry.ifAvailable(started::recordTo);
    Thread runner = new Thread(() -> {
      try {
        started.run();
      } catch (InterruptedException e) {
        log.warn("Cron interrupted; it fires nothing more");
      }
    }, "celeriac-cron");
    runner.start();
    cron = started;
    thread = runner;
  }

  @Override
  public synchronized void stop() {
    if (cron == null) {
      return;
    }
    cron.stop();
    try {
      thread.join(STOP_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    cron = null;
    thread = null;
  }

  @Override
  public synchronized boolean isRunning() {
    return thread != null && thread.isAlive();
  }

  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE;
  }
}
