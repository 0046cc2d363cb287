package dev.celeriac;

import dev.celeriac.protocol.TypedValues;
import dev.celeriac.result.ResultBackend;
import dev.celeriac.result.ResultMeta;
import dev.celeriac.result.SerializedException;
import dev.celeriac.result.TaskState;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What an enqueue returns: the new message's task id, the task name and the queue it went to; with a result
 * backend configured, the task's state and result, {@code R} (the task's boxed result type, {@code Void} for
 * none), as Celery's {@code AsyncResult}.
 */
public final class TaskRef<R> {

  private final String id;
  private final String name;
  private final String queue;
  private final ResultBackend backend;
  private final ValueType resultType;

  /** A reference without a result backend: {@link #state()} is PENDING and {@link #get} refuses. */
  public TaskRef(String id, String name, String queue) {
    this(id, name, queue, null, null);
  }

  /**
   * A reference reading from {@code backend}.
   *
   * @param backend where results are read; null for none
   * @param resultType what the result converts to; null to take the JSON value as it is (or for {@code Void})
   */
  public TaskRef(String id, String name, String queue, ResultBackend backend, ValueType resultType) {
    this.id = Objects.requireNonNull(id);
    this.name = Objects.requireNonNull(name);
    this.queue = Objects.requireNonNull(queue);
    this.backend = backend;
    this.resultType = resultType;
  }

  /** The task id (the Celery {@code id} header), a UUID that stays the same across retries. */
  public String id() {
    return id;
  }

  public String name() {
    return name;
  }

  public String queue() {
    return queue;
  }

  /** The state the result backend holds now: PENDING when it holds nothing, or when no backend is configured. */
  public TaskState state() {
    return backend == null ? TaskState.PENDING : backend.get(id).state();
  }

  /**
   * Waits up to {@code timeout} for the task to be done and returns its result, converted to {@code R}; woken by
   * the backend's notification (a Redis publish, an rpc:// reply), never by polling.
   *
   * @throws TaskFailedException when the task failed (FAILURE) or was revoked (REVOKED), carrying the remote
   *     exception's type, message and traceback
   * @throws ResultTimeoutException when the task was not done within {@code timeout}
   * @throws IllegalStateException when no result backend is configured
   * @throws ResultTypeException when the stored value does not convert to {@code R}
   */
  public R get(Duration timeout) {
    if (backend == null) {
      throw new IllegalStateException("no result backend is configured: set RESULT_BACKEND, result.backend or"
          + " --result-backend to read results of " + name + "[" + id + "]");
    }
    Optional<ResultMeta> meta;
    try {
      meta = backend.await(id, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ResultTimeoutException(id, name, timeout, e);
    }
    if (meta.isEmpty()) {
      throw new ResultTimeoutException(id, name, timeout, null);
    }
    return value(meta.get());
  }

  /** Drops the stored result, as Celery's {@code AsyncResult.forget()}. */
  public void forget() {
    if (backend != null) {
      backend.forget(id);
    }
  }

  @SuppressWarnings("unchecked")
  private R value(ResultMeta meta) {
    if (meta.state() != TaskState.SUCCESS) {
      SerializedException error = meta.exception();
      if (error == null) {
        error = SerializedException.celery("TaskRevokedError", meta.state().name());
      }
      throw new TaskFailedException(id, name, meta.state(), error, meta.traceback());
    }
    if (resultType == null) {
      return (R) meta.result();
    }
    try {
      return (R) TypedValues.convert(meta.result(), resultType, "result of " + name);
    } catch (CeleriacException e) {
      throw new ResultTypeException(name + "[" + id + "] returned a value that is not " + resultType + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TaskRef<?> other && id.equals(other.id) && name.equals(other.name)
        && queue.equals(other.queue);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return name + "[" + id + "] on " + queue;
  }
}
