package dev.celeriac.result;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where task results are stored and read, as Celery's result backends: the worker stores states, producers read
 * them. Implementations are found by URL scheme ({@link ResultBackends}); they are thread-safe.
 */
public interface ResultBackend extends AutoCloseable {

  /**
   * Stores {@code meta}, replacing what the id held, and wakes readers waiting for it; returns once the store
   * holds it. As Celery's, a stored SUCCESS is never replaced.
   *
   * @param replyTo where the producer waits (rpc://), or null
   */
  void store(ResultMeta meta, String replyTo);

  /**
   * Stores {@code meta} as {@link #store} does, possibly batched with others; the future completes once the store
   * holds it. The default stores at once.
   */
  default CompletableFuture<Void> storeAsync(ResultMeta meta, String replyTo) {
    try {
      store(meta, replyTo);
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Waits up to {@code timeout} until every store handed to {@link #storeAsync} is done. */
  default void flush(Duration timeout) throws InterruptedException {}

  /** What the backend holds for {@code taskId} now; {@link ResultMeta#pending} when nothing. */
  ResultMeta get(String taskId);

  /**
   * Waits until {@code taskId} is ready (SUCCESS, FAILURE, REVOKED), woken by the backend's notification rather
   * than polling; empty when {@code timeout} passed first.
   */
  Optional<ResultMeta> await(String taskId, Duration timeout) throws InterruptedException;

  /** Drops what is stored for {@code taskId}. */
  void forget(String taskId);

  /**
   * The {@code reply_to} a producer sets on the messages it sends, so that the worker's reply reaches it
   * (rpc://); null when the backend needs none.
   */
  default String replyTo() {
    return null;
  }

  /** The URL, without a password, for logs. */
  String displayUrl();

  @Override
  void close();
}
