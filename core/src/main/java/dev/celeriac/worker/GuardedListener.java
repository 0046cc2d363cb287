package dev.celeriac.worker;

import dev.celeriac.TaskContext;
import dev.celeriac.protocol.TaskMessage;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls a user's listener so that its failure is logged and never stops a message from being settled. */
final class GuardedListener implements WorkerListener {

  private static final Logger log = LoggerFactory.getLogger(GuardedListener.class);

  private final WorkerListener delegate;

  GuardedListener(WorkerListener delegate) {
    this.delegate = delegate;
  }

  @Override
  public void messageReceived(TaskContext task, TaskMessage message) {
    guard("messageReceived", () -> delegate.messageReceived(task, message));
  }

  @Override
  public void taskStarted(TaskContext task) {
    guard("taskStarted", () -> delegate.taskStarted(task));
  }

  @Override
  public void taskWaited(TaskContext task, Duration waited) {
    guard("taskWaited", () -> delegate.taskWaited(task, waited));
  }

  @Override
  public void taskSucceeded(TaskContext task, Duration runtime) {
    guard("taskSucceeded", () -> delegate.taskSucceeded(task, runtime));
  }

  @Override
  public void taskRetried(TaskContext task, Throwable cause, Duration delay) {
    guard("taskRetried", () -> delegate.taskRetried(task, cause, delay));
  }

  @Override
  public void taskFailed(TaskContext task, Throwable cause) {
    guard("taskFailed", () -> delegate.taskFailed(task, cause));
  }

  @Override
  public void messageExpired(TaskContext task) {
    guard("messageExpired", () -> delegate.messageExpired(task));
  }

  @Override
  public void taskRevoked(TaskContext task, RevokeReason reason) {
    guard("taskRevoked", () -> delegate.taskRevoked(task, reason));
  }

  @Override
  public void messageDeferred(TaskContext task, Instant eta) {
    guard("messageDeferred", () -> delegate.messageDeferred(task, eta));
  }

  @Override
  public void messageDeadLettered(String queue, String taskName, String taskId, DeadLetterCause cause,
      String reason) {
    guard("messageDeadLettered", () -> delegate.messageDeadLettered(queue, taskName, taskId, cause, reason));
  }

  private void guard(String event, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.error("Worker listener {}.{} failed; the message is handled regardless",
          delegate.getClass().getName(), event, e);
    }
  }
}
