package dev.celeriac.result;

import dev.celeriac.ConfigurationException;
import dev.celeriac.broker.Brokers;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Opens the result backend a URL names through the {@link ResultBackendProvider}s on the class path: core's for
 * {@code memory://}, celeriac-redis's for redis://, celeriac-amqp's for rpc://.
 */
public final class ResultBackends {

  private ResultBackends() {}

  /** The providers registered on the class path: core's for memory://, and the broker modules'. */
  static List<ResultBackendProvider> providers() {
    return Brokers.load(ResultBackendProvider.class, List.of());
  }

  /**
   * Opens the backend for {@code url}.
   *
   * @throws ConfigurationException when no provider knows the scheme
   */
  public static ResultBackend open(String url, ResultSettings settings) {
    String scheme = scheme(url);
    Set<String> known = new TreeSet<>();
    for (ResultBackendProvider provider : providers()) {
      if (provider.schemes().contains(scheme)) {
        return provider.open(url, settings);
      }
      known.addAll(provider.schemes());
    }
    Optional<String> module = Brokers.moduleFor(scheme);
    if (module.isPresent()) {
      throw new ConfigurationException("the result backend " + scheme + ":// needs " + module.get()
          + " on the class path; celeriac-runtime brings every backend");
    }
    throw new ConfigurationException("result backend '" + scheme + "://' is not supported; use one of "
        + String.join(", ", known.stream().map(s -> s + "://").toList()));
  }

  static String scheme(String url) {
    int colon = url.indexOf("://");
    if (colon <= 0) {
      throw new ConfigurationException("result backend URL has no scheme: expected for example redis://host:6379/1");
    }
    return url.substring(0, colon).toLowerCase(Locale.ROOT);
  }
}
