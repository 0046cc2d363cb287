package dev.celeriac.result.memory;

import dev.celeriac.result.ResultBackend;
import dev.celeriac.result.ResultBackendProvider;
import dev.celeriac.result.ResultMeta;
import dev.celeriac.result.ResultSettings;
import dev.celeriac.result.TaskState;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Results kept in this JVM: for {@code memory://} and eager mode. Results are kept until forgotten or until the
 * app closes (no expiry), so keep it to tests and demos.
 */
public final class MemoryResultBackend implements ResultBackend {

  public static final ResultBackendProvider PROVIDER = new ResultBackendProvider() {
    @Override
    public Set<String> schemes() {
      return Set.of("memory");
    }

    @Override
    public ResultBackend open(String url, ResultSettings settings) {
      return new MemoryResultBackend();
    }
  };

  private final Map<String, ResultMeta> results = new HashMap<>();

  @Override
  public synchronized void store(ResultMeta meta, String replyTo) {
    ResultMeta current = results.get(meta.taskId());
    if (current != null && current.state() == TaskState.SUCCESS) {
      return;
    }
    results.put(meta.taskId(), meta);
    notifyAll();
  }

  @Override
  public synchronized ResultMeta get(String taskId) {
    ResultMeta meta = results.get(taskId);
    return meta != null ? meta : ResultMeta.pending(taskId);
  }

  @Override
  public synchronized Optional<ResultMeta> await(String taskId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      ResultMeta meta = results.get(taskId);
      if (meta != null && meta.state().isReady()) {
        return Optional.of(meta);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  @Override
  public synchronized void forget(String taskId) {
    results.remove(taskId);
  }

  @Override
  public String displayUrl() {
    return "memory://";
  }

  @Override
  public synchronized void close() {
    results.clear();
  }
}
