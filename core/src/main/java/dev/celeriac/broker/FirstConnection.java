package dev.celeriac.broker;

import dev.celeriac.ConfigurationException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first connection of a broker client, made as it starts, the same way for every broker. A failure no retry
 * can mend (the broker refuses the credentials, the host name does not resolve, the TLS certificate is not
 * trusted) ends it at once with a {@link ConfigurationException}; a broker that does not answer is tried again
 * until the connect timeout, then a {@link BrokerUnreachableException}. Both name the broker with its password
 * masked, in one line. Once a client has started, a lost connection is the client's own to retry.
 */
public final class FirstConnection {

  private static final Logger log = LoggerFactory.getLogger(FirstConnection.class);

  /** How long a process that starts waits for a broker that does not answer: a restart's worth. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  private static final long MAX_PAUSE_MILLIS = 2_000;

  /** One attempt to connect. */
  @FunctionalInterface
  public interface Attempt<T> {
    T connect() throws Exception;
  }

  /**
   * The broker-specific refusals: what follows "{@code <broker> at <url>}" in the message when {@code failure}
   * says that the broker will never accept this configuration, or null when trying again may help.
   */
  @FunctionalInterface
  public interface Refusals {
    String refusal(Exception failure);
  }

  private FirstConnection() {}

  /**
   * Runs {@code attempt} until it connects, for up to {@code timeout} (zero: once).
   *
   * @param broker the broker's name in messages, such as "Redis"
   * @throws ConfigurationException when a failure is a refusal: of {@code refusals}, or an unknown host or an
   *     untrusted certificate
   * @throws BrokerUnreachableException when the broker did not answer within {@code timeout}
   */
  public static <T> T open(String broker, BrokerUrl url, Duration timeout, Attempt<T> attempt, Refusals refusals) {
    return open(broker, List.of(url), timeout, attempt, refusals);
  }

  /**
   * As {@link #open(String, BrokerUrl, Duration, Attempt, Refusals)}, for a broker reached through kombu's failover
   * list of URLs (an attempt tries them all): messages name the whole list.
   */
  public static <T> T open(String broker, List<BrokerUrl> urls, Duration timeout, Attempt<T> attempt,
      Refusals refusals) {
    String where = String.join(";", urls.stream().map(BrokerUrl::toString).toList());
    return open(broker, where, unknown -> "its host name '" + hostIn(urls, unknown) + "'", timeout, attempt,
        refusals);
  }

  /**
   * As {@link #open(String, BrokerUrl, Duration, Attempt, Refusals)}, for a broker reached through several
   * addresses (Redis Sentinels), named in messages by {@code where}, its passwords already masked.
   */
  public static <T> T open(String broker, String where, Duration timeout, Attempt<T> attempt, Refusals refusals) {
    return open(broker, where, unknown -> "one of its host names", timeout, attempt, refusals);
  }

  /** {@code hostName} names, from an {@link UnknownHostException}, the host that did not resolve. */
  private static <T> T open(String broker, String url, Function<UnknownHostException, String> hostName,
      Duration timeout, Attempt<T> attempt, Refusals refusals) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 100;
    for (int attempts = 1; ; attempts++) {
      Exception failure;
      try {
        return attempt.connect();
      } catch (Exception e) {
        failure = e;
      }
      String refused = refusal(failure, hostName);
      if (refused == null) {
        refused = refusals.refusal(failure);
      }
      if (refused != null) {
        throw new ConfigurationException(broker + " at " + url + " " + refused, failure);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new BrokerUnreachableException(broker + " at " + url + " did not answer"
            + (timeout.isZero() ? "" : " within " + timeout.toSeconds() + " s") + " (" + reason(failure)
            + "); is it running, and are the host and port right?", failure);
      }
      // The process waits for a broker starting alongside it: normal, so the attempts stay out of the log.
      log.debug("{} at {} does not answer yet (attempt {}): {}", broker, url, attempts, reason(failure), failure);
      try {
        Thread.sleep(Math.min(pause, Math.max(1, left / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BrokerException("interrupted while connecting to " + broker + " at " + url, e);
      }
      pause = Math.min(pause * 2, MAX_PAUSE_MILLIS);
    }
  }

  /** Refusals every broker shares: a host name that does not resolve, a certificate the JVM does not trust. */
  private static String refusal(Exception failure, Function<UnknownHostException, String> hostName) {
    for (Throwable cause : chain(failure)) {
      if (cause instanceof UnknownHostException unknown) {
        return "can't be reached: " + hostName.apply(unknown) + " does not resolve; check the broker URL";
      }
      if (cause instanceof CertificateException) {
        return "presented a TLS certificate this JVM does not trust (" + reason(cause)
            + "); name the CA with ?ssl_ca_certs=<file> or add it to the trust store";
      }
    }
    return null;
  }

  /** The host of {@code urls} that {@code unknown} names (its message starts with it), else the first. */
  private static String hostIn(List<BrokerUrl> urls, UnknownHostException unknown) {
    String message = unknown.getMessage();
    return urls.stream().map(BrokerUrl::host)
        .filter(name -> message != null && message.startsWith(name))
        .findFirst().orElse(urls.get(0).host());
  }

  /**
   * The most specific message of {@code failure}, in one line: that of its deepest cause with one, else its
   * class. Jedis reports the failure of each address of a host as a suppressed exception ("Connection refused"
   * under "Failed to connect to any host"), so those count as causes.
   */
  public static String reason(Throwable failure) {
    String message = null;
    for (Throwable cause : chain(failure)) {
      if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
        message = cause.getMessage();
      }
    }
    return message != null ? message.strip().replaceAll("\\s*\\R\\s*", " ") : failure.getClass().getSimpleName();
  }

  /** {@code failure} and its causes, outermost first; a cause-less one's first suppressed exception counts as its cause. */
  private static List<Throwable> chain(Throwable failure) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable cause = failure; cause != null && chain.size() < 16; ) {
      chain.add(cause);
      cause = cause.getCause() != null ? cause.getCause()
          : cause.getSuppressed().length > 0 ? cause.getSuppressed()[0] : null;
    }
    return chain;
  }
}
