package dev.celeriac.result.redis;

import dev.celeriac.canvas.ChordJoins;
import dev.celeriac.canvas.ChordStore;
import dev.celeriac.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;

/**
 * The chord join on a Redis result backend, in Celery's keys ({@code celery-taskset-meta-<gid>.s|.j|.t}), so that
 * Java and Python header tasks count together and whichever finishes last fires the body. One more key,
 * {@code .celeriac-claim}, names the task that fires it: a redelivered header task neither counts twice nor fires
 * the body a second time. Thread-safe.
 */
public final class RedisChordStore implements ChordStore {

  /** Celery's {@code result_expires} default: one day. */
  public static final int DEFAULT_EXPIRES_SECONDS = 86_400;
  private static final String PREFIX = "celery-taskset-meta-";
  private static final String SCRIPT = resource("chord_join.lua");
  private static final DateTimeFormatter PYTHON_NAIVE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

  private final UnifiedJedis redis;
  private final int expiresSeconds;
  private final Clock clock;

  /** A join on {@code redis}, the result backend's connection, whose keys live {@code expiresSeconds} (0: ever). */
  public RedisChordStore(UnifiedJedis redis, int expiresSeconds, Clock clock) {
    this.redis = redis;
    this.expiresSeconds = expiresSeconds;
    this.clock = clock;
  }

  @Override
  public void setSize(String groupId, int size) {
    String key = PREFIX + groupId + ".s";
    String value = Integer.toString(size);
    if (expiresSeconds > 0) {
      redis.setex(key, expiresSeconds, value);
    } else {
      redis.set(key, value);
    }
  }

  @Override
  public Join partReturned(String groupId, Integer groupIndex, String taskId, String state, Object result) {
    String base = PREFIX + groupId;
    List<String> keys = List.of(base + ".j", base + ".t", base + ".s", base + ".celeriac-claim");
    List<String> args = List.of(ChordJoins.member(taskId, state, result),
        groupIndex == null ? "+inf" : Integer.toString(groupIndex), taskId, Integer.toString(expiresSeconds));
    Object reply = redis.eval(SCRIPT, keys, args);
    if (!(reply instanceof List<?> members)) {
      return null;
    }
    List<String> texts = new ArrayList<>(members.size());
    members.forEach(member -> texts.add(member instanceof byte[] bytes
        ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(member)));
    return ChordJoins.join(texts);
  }

  @Override
  public void saveGroup(String groupId, List<String> memberIds) {
    // GroupResult.as_tuple(): [[gid, parent], [[[id, parent], null], ...]]
    List<Object> members = new ArrayList<>(memberIds.size());
    for (String id : memberIds) {
      members.add(java.util.Arrays.asList(java.util.Arrays.asList(id, null), null));
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("result", List.of(java.util.Arrays.asList(groupId, null), members));
    String key = PREFIX + groupId;
    String json = new String(Json.write(meta), StandardCharsets.UTF_8);
    if (expiresSeconds > 0) {
      redis.setex(key, expiresSeconds, json);
    } else {
      redis.set(key, json);
    }
    redis.publish(key, json);
  }

  @Override
  public void completed(String groupId) {
    String base = PREFIX + groupId;
    redis.del(base + ".j", base + ".t", base + ".s");
  }

  @Override
  public void bodyFailed(String bodyId, String groupId, String message) {
    Map<String, Object> exc = new LinkedHashMap<>();
    exc.put("exc_type", "ChordError");
    exc.put("exc_message", List.of(message));
    exc.put("exc_module", "celery.exceptions");
    storeFailure(bodyId, exc, null);
  }

  @Override
  public void chainStepFailed(String taskId, Map<String, Object> exception, String traceback) {
    storeFailure(taskId, exception, traceback);
  }

  /** FAILURE as Celery's backend stores it: GET, then SETEX and PUBLISH unless a SUCCESS is there. */
  private void storeFailure(String taskId, Map<String, Object> exc, String traceback) {
    String key = "celery-task-meta-" + taskId;
    String existing = redis.get(key);
    if (existing != null && Json.read(existing.getBytes(StandardCharsets.UTF_8)) instanceof Map<?, ?> stored
        && "SUCCESS".equals(stored.get("status"))) {
      return; // as Celery: a stored SUCCESS is never overwritten
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("status", "FAILURE");
    meta.put("result", exc);
    meta.put("traceback", traceback);
    meta.put("children", List.of());
    meta.put("date_done", PYTHON_NAIVE.format(LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)));
    meta.put("task_id", taskId);
    String json = new String(Json.write(meta), StandardCharsets.UTF_8);
    if (expiresSeconds > 0) {
      redis.setex(key, expiresSeconds, json);
    } else {
      redis.set(key, json);
    }
    redis.publish(key, json);
  }

  private static String resource(String file) {
    try (InputStream in = RedisChordStore.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("missing script " + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
