package dev.celeriac.result;

import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One task's stored result, as Celery's {@code Backend._get_result_meta} builds it.
 *
 * @param taskId the task id
 * @param state the state
 * @param result the return value (JSON values), the exception dict for RETRY/FAILURE/REVOKED, or
 *     {@code {"pid", "hostname"}} for STARTED
 * @param traceback the traceback text for FAILURE and RETRY, else null
 * @param children result tuples of tasks this one sent; empty for none
 * @param dateDone naive UTC time the task became ready; null unless it is
 * @param groupId the group, or null
 * @param parentId the parent task, or null
 */
public record ResultMeta(String taskId, TaskState state, Object result, String traceback, List<Object> children,
    LocalDateTime dateDone, String groupId, String parentId) {

  public ResultMeta {
    Objects.requireNonNull(taskId);
    Objects.requireNonNull(state);
    children = children == null ? List.of() : children;
  }

  /** What a backend reports for an id it holds nothing for. */
  public static ResultMeta pending(String taskId) {
    return new ResultMeta(taskId, TaskState.PENDING, null, null, List.of(), null, null, null);
  }

  /** A SUCCESS carrying {@code value}. */
  public static ResultMeta success(String taskId, Object value, LocalDateTime now, String parentId) {
    return new ResultMeta(taskId, TaskState.SUCCESS, value, null, List.of(), now, null, parentId);
  }

  /** This meta with {@code children}: the result tuples of what the task sent before it was stored. */
  public ResultMeta withChildren(List<Object> children) {
    return new ResultMeta(taskId, state, result, traceback, children, dateDone, groupId, parentId);
  }

  /** A FAILURE, RETRY or REVOKED carrying {@code exception}; {@code date_done} only for the ready states. */
  public static ResultMeta exception(String taskId, TaskState state, SerializedException exception, String traceback,
      LocalDateTime now, String parentId) {
    return new ResultMeta(taskId, state, exception.toStored(), traceback, List.of(), state.isReady() ? now : null,
        null, parentId);
  }

  /** A STARTED carrying the worker's pid and hostname, as Celery's. */
  public static ResultMeta started(String taskId, long pid, String hostname, String parentId) {
    Map<String, Object> worker = new java.util.LinkedHashMap<>();
    worker.put("pid", pid);
    worker.put("hostname", hostname);
    return new ResultMeta(taskId, TaskState.STARTED, worker, null, List.of(), null, null, parentId);
  }

  /** The exception stored, for the exception states; else null. */
  public SerializedException exception() {
    return state.isException() && result != null ? SerializedException.fromStored(result) : null;
  }

  /** Celery's tuple of a task's result: {@code [[id, parent], null]}, no parent. */
  public static List<Object> taskTuple(String id) {
    return Arrays.asList(Arrays.asList(id, null), null);
  }

  /** Celery's tuple of a group's result: {@code [[group id, parent], [member tuples]]}, no parent. */
  public static List<Object> groupTuple(String groupId, List<Object> members) {
    return Arrays.asList(Arrays.asList(groupId, null), members);
  }
}
