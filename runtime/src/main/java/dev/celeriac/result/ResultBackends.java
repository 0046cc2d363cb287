package dev.celeriac.result;

import dev.celeriac.ConfigurationException;
import dev.celeriac.result.memory.MemoryResultBackend;
import dev.celeriac.result.redis.RedisResultBackend;
import dev.celeriac.result.rpc.RpcResultBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.ServiceLoader;

/** Opens the result backend a URL names: the built-in ones, then any {@link ResultBackendProvider} on the class path. */
public final class ResultBackends {

  private ResultBackends() {}

  /** The built-in providers: redis, rediss, sentinel, rpc, memory. */
  static List<ResultBackendProvider> builtIn() {
    return List.of(RedisResultBackend.PROVIDER, RpcResultBackend.PROVIDER, MemoryResultBackend.PROVIDER);
  }

  /**
   * Opens the backend for {@code url}.
   *
   * @throws ConfigurationException when no provider knows the scheme
   */
  public static ResultBackend open(String url, ResultSettings settings) {
    String scheme = scheme(url);
    List<ResultBackendProvider> providers = new ArrayList<>(builtIn());
    ServiceLoader.load(ResultBackendProvider.class, Thread.currentThread().getContextClassLoader())
        .forEach(providers::add);
    Set<String> known = new java.util.TreeSet<>();
    for (ResultBackendProvider provider : providers) {
      if (provider.schemes().contains(scheme)) {
        return provider.open(url, settings);
      }
      known.addAll(provider.schemes());
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
