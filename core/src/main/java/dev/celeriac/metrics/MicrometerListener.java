package dev.celeriac.metrics;

import dev.celeriac.TaskContext;
import dev.celeriac.worker.DeadLetterCause;
import dev.celeriac.worker.RevokeReason;
import dev.celeriac.worker.WorkerListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Records what a worker does as Micrometer meters, per task, as Sentry's {@code instrumented_task} does with
 * its {@code jobs.duration} and {@code jobs.queue_time}:
 * <ul>
 *   <li>{@code celeriac.task.duration} (timer; tag {@code task}): run time of tasks that returned;</li>
 *   <li>{@code celeriac.task.queue.latency} (timer; tags {@code task}, {@code queue}): from when the message
 *       was sent, or became due if it had an eta, to when its task started;</li>
 *   <li>{@code celeriac.task.outcomes} (counter; tags {@code task}, {@code outcome} = succeeded, retried,
 *       failed, expired, deferred, revoked);</li>
 *   <li>{@code celeriac.messages.dead} (counter; tags {@code queue}, {@code task}, {@code cause}, such as
 *       {@code bad_arguments} for a message whose keyword arguments don't fit the task — a deploy
 *       mismatch — or {@code unknown_task}).</li>
 * </ul>
 * Pass it with {@code WorkerOptions.builder().listener(new MicrometerListener(registry))}; {@code run worker
 * --metrics-port} does, and serves the registry to Prometheus ({@code dev.celeriac.metrics.prometheus.PrometheusEndpoint} in {@code celeriac-cli}).
 */
public final class MicrometerListener implements WorkerListener {

  /** The tag value for a message whose task name could not be read. */
  public static final String UNKNOWN = "unknown";

  private final MeterRegistry registry;

  public MicrometerListener(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry);
  }

  @Override
  public void taskWaited(TaskContext task, Duration waited) {
    Timer.builder("celeriac.task.queue.latency")
        .description("Time from sending a task message (or its eta) to the start of its task")
        .tag("task", task.name()).tag("queue", task.queue()).register(registry).record(waited);
  }

  @Override
  public void taskSucceeded(TaskContext task, Duration runtime) {
    Timer.builder("celeriac.task.duration").description("Run time of tasks that returned")
        .tag("task", task.name()).register(registry).record(runtime);
    outcome(task.name(), "succeeded");
  }

  @Override
  public void taskRetried(TaskContext task, Throwable cause, Duration delay) {
    outcome(task.name(), "retried");
  }

  @Override
  public void taskFailed(TaskContext task, Throwable cause) {
    outcome(task.name(), "failed");
  }

  @Override
  public void messageExpired(TaskContext task) {
    outcome(task.name(), "expired");
  }

  /** Revoked before it ran, or terminated while it ran; an expired message counts as {@code expired} only. */
  @Override
  public void taskRevoked(TaskContext task, RevokeReason reason) {
    if (reason != RevokeReason.EXPIRED) {
      outcome(task.name(), "revoked");
    }
  }

  @Override
  public void messageDeferred(TaskContext task, Instant eta) {
    outcome(task.name(), "deferred");
  }

  @Override
  public void messageDeadLettered(String queue, String taskName, String taskId, DeadLetterCause cause,
      String reason) {
    Counter.builder("celeriac.messages.dead").description("Messages moved to the dead-letter store")
        .tag("queue", queue).tag("task", taskName == null ? UNKNOWN : taskName).tag("cause", cause.tag())
        .register(registry).increment();
  }

  private void outcome(String task, String outcome) {
    Counter.builder("celeriac.task.outcomes").description("What became of each task message")
        .tag("task", task).tag("outcome", outcome).register(registry).increment();
  }
}
