package dev.celeriac.canvas;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A chord join kept in this JVM: for eager mode and the memory broker, where every header task runs in one
 * process. Thread-safe.
 */
public final class MemoryChordStore implements ChordStore {

  private final Map<String, Integer> sizes = new HashMap<>();
  /** Per group: task id to (index, member), so a task that reports twice counts once. */
  private final Map<String, Map<String, Map.Entry<Double, String>>> parts = new HashMap<>();
  private final Map<String, String> claims = new HashMap<>();
  private final Map<String, String> failedBodies = new HashMap<>();
  private final Map<String, List<String>> groups = new HashMap<>();

  @Override
  public synchronized void setSize(String groupId, int size) {
    sizes.put(groupId, size);
  }

  @Override
  public synchronized Join partReturned(String groupId, Integer groupIndex, String taskId, String state,
      Object result) {
    Map<String, Map.Entry<Double, String>> members = parts.computeIfAbsent(groupId, g -> new HashMap<>());
    double score = groupIndex == null ? Double.POSITIVE_INFINITY : groupIndex;
    members.put(taskId, Map.entry(score, ChordJoins.member(taskId, state, result)));
    Integer size = sizes.get(groupId);
    if (size == null || members.size() != size) {
      return null;
    }
    String claimant = claims.putIfAbsent(groupId, taskId);
    if (claimant != null && !claimant.equals(taskId)) {
      return null;
    }
    TreeMap<Double, List<String>> ordered = new TreeMap<>();
    members.values().forEach(entry -> ordered.computeIfAbsent(entry.getKey(), k -> new ArrayList<>())
        .add(entry.getValue()));
    List<String> inOrder = new ArrayList<>();
    ordered.values().forEach(list -> {
      list.sort(null);
      inOrder.addAll(list);
    });
    return ChordJoins.join(inOrder);
  }

  @Override
  public synchronized void saveGroup(String groupId, List<String> memberIds) {
    groups.put(groupId, List.copyOf(memberIds));
  }

  /** The members saved for {@code groupId}, or null. */
  public synchronized List<String> savedGroup(String groupId) {
    return groups.get(groupId);
  }

  @Override
  public synchronized void completed(String groupId) {
    sizes.remove(groupId);
    parts.remove(groupId);
  }

  @Override
  public synchronized void bodyFailed(String bodyId, String groupId, String message) {
    failedBodies.put(bodyId, message);
  }

  @Override
  public synchronized void chainStepFailed(String taskId, Map<String, Object> exception, String traceback) {
    failedBodies.put(taskId, String.valueOf(exception.get("exc_type")) + ": " + exception.get("exc_message"));
  }

  /** The {@code ChordError} text stored for a body that could not run, or null. */
  public synchronized String bodyFailure(String bodyId) {
    return failedBodies.get(bodyId);
  }
}
