package dev.celeriac.worker;

import dev.celeriac.TaskContext;
import dev.celeriac.protocol.TaskMessage;
import java.time.Duration;
import java.time.Instant;

/** Two listeners called in turn: the worker's own (task events) first, then the user's. */
final class ListenerChain implements WorkerListener {

  private final WorkerListener first;
  private final WorkerListener second;

  private ListenerChain(WorkerListener first, WorkerListener second) {
    this.first = first;
    this.second = second;
  }

  /** Both listeners, or the one that is not {@link WorkerListener#NONE}. */
  static WorkerListener of(WorkerListener first, WorkerListener second) {
    if (first == WorkerListener.NONE) {
      return second;
    }
    return second == WorkerListener.NONE ? first : new ListenerChain(first, second);
  }

  @Override
  public void messageReceived(TaskContext task, TaskMessage message) {
    first.messageReceived(task, message);
    second.messageReceived(task, message);
  }

  @Override
  public void taskStarted(TaskContext task) {
    first.taskStarted(task);
    second.taskStarted(task);
  }

  @Override
  public void taskWaited(TaskContext task, Duration waited) {
    first.taskWaited(task, waited);
    second.taskWaited(task, waited);
  }

  @Override
  public void taskSucceeded(TaskContext task, Duration runtime) {
    first.taskSucceeded(task, runtime);
    second.taskSucceeded(task, runtime);
  }

  @Override
  public void taskRetried(TaskContext task, Throwable cause, Duration delay) {
    first.taskRetried(task, cause, delay);
    second.taskRetried(task, cause, delay);
  }

  @Override
  public void taskFailed(TaskContext task, Throwable cause) {
    first.taskFailed(task, cause);
    second.taskFailed(task, cause);
  }

  @Override
  public void messageExpired(TaskContext task) {
    first.messageExpired(task);
    second.messageExpired(task);
  }

  @Override
  public void taskRevoked(TaskContext task, RevokeReason reason) {
    first.taskRevoked(task, reason);
    second.taskRevoked(task, reason);
  }

  @Override
  public void messageDeferred(TaskContext task, Instant eta) {
    first.messageDeferred(task, eta);
    second.messageDeferred(task, eta);
  }

  @Override
  public void messageDeadLettered(String queue, String taskName, String taskId, DeadLetterCause cause,
      String reason) {
    first.messageDeadLettered(queue, taskName, taskId, cause, reason);
    second.messageDeadLettered(queue, taskName, taskId, cause, reason);
  }
}
