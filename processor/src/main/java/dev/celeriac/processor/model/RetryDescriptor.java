package dev.celeriac.processor.model;

import com.squareup.javapoet.ClassName;
import java.util.List;

/**
 * The checked retry and timing settings of a {@code @Task}.
 *
 * @param maxRetries how many times a failing run is retried
 * @param defaultRetryDelaySeconds the delay before a retry
 * @param retryBackoff whether the delay grows exponentially
 * @param retryOn exceptions that cause a retry
 * @param dontRetryOn exceptions that never do
 * @param timeLimitSeconds the run-time limit, 0 for none
 * @param expiresSeconds the default time to live of a message, 0 for never
 */
public record RetryDescriptor(int maxRetries, int defaultRetryDelaySeconds, boolean retryBackoff,
    List<ClassName> retryOn, List<ClassName> dontRetryOn, int timeLimitSeconds, int expiresSeconds) {

  public RetryDescriptor {
    retryOn = List.copyOf(retryOn);
    dontRetryOn = List.copyOf(dontRetryOn);
  }
}
