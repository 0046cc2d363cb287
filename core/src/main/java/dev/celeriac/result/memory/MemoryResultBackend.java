package dev.celeriac.result.memory;

import dev.celeriac.result.ResultBackend;
import dev.celeriac.result.ResultBackendProvider;
import dev.celeriac.result.ResultMeta;
import dev.celeriac.result.ResultSettings;
import dev.celeriac.result.ResultTable;
import java.time.Duration;
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

  private final ResultTable results = new ResultTable();

  @Override
  public void store(ResultMeta meta, String replyTo) {
    results.putUnlessSucceeded(meta);
  }

  @Override
  public ResultMeta get(String taskId) {
    return results.get(taskId);
  }

  @Override
  public Optional<ResultMeta> await(String taskId, Duration timeout) throws InterruptedException {
    return results.await(taskId, timeout);
  }

  @Override
  public void forget(String taskId) {
    results.remove(taskId);
  }

  @Override
  public String displayUrl() {
    return "memory://";
  }

  @Override
  public void close() {
    results.clear();
  }
}
