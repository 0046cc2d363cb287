package dev.celeriac.canvas;

import java.util.List;

/**
 * Where a chord counts its header's results, as Celery's result backend does: the producer writes the chord
 * size, each header task adds its result when it settles, and the one whose result completes the header is told
 * so, exactly once, with every result in header order. It also stores the failures a canvas propagates (a chord
 * body that cannot run, the steps of a broken chain) and saved groups, in the result backend's keys. Thread-safe;
 * shared by every worker of a fleet when it is the Redis result backend.
 */
public interface ChordStore {

  /** The chord of group {@code groupId} has {@code size} header tasks. Written before the last one is sent. */
  void setSize(String groupId, int size);

  /**
   * Adds one header task's result. Returns the join when this call completed the header and claimed the right
   * to fire the body; null otherwise (more results to come, no size known, or already fired).
   *
   * @param groupIndex the task's place in the header, or null when its message has none
   * @param state {@code SUCCESS}, {@code FAILURE} or {@code REVOKED}
   * @param result the return value, or Celery's exception dict for a failure
   */
  Join partReturned(String groupId, Integer groupIndex, String taskId, String state, Object result);

  /**
   * Saves a group's members as Celery's {@code GroupResult.save()} does ({@code celery-taskset-meta-<gid>}), so
   * that {@code GroupResult.restore(gid)} finds them.
   */
  void saveGroup(String groupId, List<String> memberIds);

  /** The body of group {@code groupId} was sent: its join state can go. */
  void completed(String groupId);

  /**
   * The body could not run because a header task failed: stored as Celery's {@code ChordError} FAILURE for the
   * body's id, where results are stored.
   */
  void bodyFailed(String bodyId, String groupId, String message);

  /**
   * Stores FAILURE for a task that will not run because an earlier step of its chain failed, as Celery's backend
   * does for every remaining chain element, so that whoever waits on it learns of the failure.
   */
  void chainStepFailed(String taskId, java.util.Map<String, Object> exception, String traceback);

  /**
   * The header's results in header order, or the first failed member.
   *
   * @param results every member's result, in {@code group_index} order
   * @param failedTaskId the id of the first member that failed, or null
   * @param failure Celery's text for that member's exception, {@code ValueError('boom')}
   */
  record Join(List<Object> results, String failedTaskId, String failure) {
    public boolean failed() {
      return failedTaskId != null;
    }
  }
}
