package dev.celeriac.result;

/** Celery's task states ({@code celery/states.py}) that a result backend stores or reports. */
public enum TaskState {
  /** Unknown to the backend: not stored yet, never stored (no backend, ignored result), forgotten or expired. */
  PENDING,
  /** Stored when a task with {@code trackStarted} starts. */
  STARTED,
  /** The run failed and a retry was sent. */
  RETRY,
  SUCCESS,
  FAILURE,
  REVOKED;

  /** Whether the task is done for good: Celery's {@code READY_STATES}. */
  public boolean isReady() {
    return this == SUCCESS || this == FAILURE || this == REVOKED;
  }

  /** Whether the stored result is an exception: Celery's {@code EXCEPTION_STATES}. */
  public boolean isException() {
    return this == RETRY || this == FAILURE || this == REVOKED;
  }

  /** The state named {@code name}; an unknown name (RECEIVED, a custom state) counts as {@link #PENDING}. */
  public static TaskState named(String name) {
    if (name != null) {
      for (TaskState state : values()) {
        if (state.name().equals(name)) {
          return state;
        }
      }
    }
    return PENDING;
  }
}
