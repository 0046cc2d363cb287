package dev.celeriac.spring.boot.health;

import dev.celeriac.Celeriac;
import dev.celeriac.broker.BrokerException;
import dev.celeriac.spring.boot.CeleriacWorkerLifecycle;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;

/**
 * What the Actuator health indicator of either Boot version reports as {@code celeriac}: up while the broker
 * answers a ping and, in an application that runs a worker, the worker runs. The details name the broker (its
 * password masked) and the worker's state and queues.
 */
final class CeleriacHealthCheck {

  /** The outcome: up or down, and the details to show. */
  record Result(boolean up, Map<String, Object> details) {}

  private final Celeriac app;
  private final ObjectProvider<CeleriacWorkerLifecycle> worker;

  CeleriacHealthCheck(Celeriac app, ObjectProvider<CeleriacWorkerLifecycle> worker) {
    this.app = app;
    this.worker = worker;
  }

  Result check() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("broker", app.broker().displayUrl());
    boolean up = true;
    try {
      app.broker().ping();
      details.put("brokerReachable", true);
    } catch (BrokerException e) {
      up = false;
      details.put("brokerReachable", false);
      details.put("brokerError", e.getMessage());
    }
    CeleriacWorkerLifecycle lifecycle = worker.getIfAvailable();
    if (lifecycle != null) {
      boolean running = lifecycle.isRunning();
      up &= running;
      details.put("worker", running ? "running" : lifecycle.worker().map(w -> w.fatalError() != null
          ? "stopped by a fatal error: " + w.fatalError() : "stopped").orElse("not started"));
      lifecycle.worker().ifPresent(w -> details.put("queues", w.queues()));
    }
    return new Result(up, details);
  }
}
