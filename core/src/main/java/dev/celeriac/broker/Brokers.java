package dev.celeriac.broker;

import dev.celeriac.ConfigurationException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Opens the broker a URL names, through the {@link BrokerProvider} of its scheme: core registers {@code memory://},
 * the broker modules on the class path the others.
 */
public final class Brokers {

  /** The module that brings each scheme this project has a broker or result backend for: named in errors. */
  private static final Map<String, String> MODULES = Map.of(
      "redis", "dev.celeriac:celeriac-redis",
      "rediss", "dev.celeriac:celeriac-redis",
      "sentinel", "dev.celeriac:celeriac-redis",
      "amqp", "dev.celeriac:celeriac-amqp",
      "amqps", "dev.celeriac:celeriac-amqp",
      "pyamqp", "dev.celeriac:celeriac-amqp",
      "rpc", "dev.celeriac:celeriac-amqp");

  private Brokers() {}

  /**
   * Connects to the broker at {@code url}: one URL, or kombu's list of URLs separated by {@code ;}: RabbitMQ nodes
   * to fail over to, or Redis Sentinels.
   *
   * @throws ConfigurationException for a malformed URL, or a scheme no module on the class path opens (naming
   *     the module to add when this project has one)
   */
  public static Broker open(String url, Clock clock, BrokerSettingsSet settings) {
    // A URL may be kombu's list of addresses separated by ';' (RabbitMQ nodes to fail over to, Redis Sentinels):
    // the first one's scheme decides how the rest is read.
    int schemeEnd = url.indexOf("://");
    String scheme = schemeEnd < 0 ? "" : url.substring(0, schemeEnd).trim().toLowerCase(Locale.ROOT);
    List<BrokerProvider> providers = providers();
    for (BrokerProvider provider : providers) {
      if (provider.schemes().contains(scheme)) {
        return provider.open(url, clock, settings);
      }
    }
    // Parsed only now, for a message that names the scheme and hides a password.
    BrokerUrl parsed = BrokerUrl.parseAll(url).get(0);
    Optional<String> module = moduleFor(parsed.scheme());
    if (module.isPresent()) {
      throw new ConfigurationException(parsed.scheme() + ":// needs " + module.get() + " on the class path (the"
          + " broker " + parsed + "); celeriac-runtime brings every broker");
    }
    throw new ConfigurationException("unsupported broker scheme '" + parsed.scheme() + "' in " + parsed
        + "; this build supports " + supported(providers));
  }

  /** "memory://, redis:// and amqp://": this project's schemes in a fixed order, then others'; no kombu aliases. */
  private static String supported(List<BrokerProvider> providers) {
    TreeSet<String> others = new TreeSet<>();
    providers.forEach(provider -> others.addAll(provider.schemes()));
    List<String> schemes = new ArrayList<>();
    for (String scheme : List.of("memory", "redis", "rediss", "sentinel", "amqp", "amqps")) {
      if (others.remove(scheme)) {
        schemes.add(scheme + "://");
      }
    }
    others.remove("pyamqp");
    others.forEach(scheme -> schemes.add(scheme + "://"));
    int last = schemes.size() - 1;
    return last == 0 ? schemes.get(0) : String.join(", ", schemes.subList(0, last)) + " and " + schemes.get(last);
  }

  /**
   * The module that brings {@code scheme}'s broker or result backend, as {@code groupId:artifactId}, for errors
   * that tell a user what to add; empty for a scheme this project has no module for.
   */
  public static Optional<String> moduleFor(String scheme) {
    return Optional.ofNullable(MODULES.get(scheme.toLowerCase(Locale.ROOT)));
  }

  /** The providers registered on the class path, each class once: core's for memory://, and the broker modules'. */
  public static List<BrokerProvider> providers() {
    return load(BrokerProvider.class, List.of());
  }

  /**
   * {@code builtIn}, then the implementations of {@code type} registered with {@link ServiceLoader} on the
   * thread's context class loader and on core's own, each class once: an application server's or fat jar's
   * loader sees the modules packaged with the application, and core's sees those beside it.
   */
  public static <T> List<T> load(Class<T> type, List<T> builtIn) {
    Map<String, T> found = new LinkedHashMap<>();
    builtIn.forEach(service -> found.put(service.getClass().getName(), service));
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    List<ClassLoader> loaders = new ArrayList<>();
    if (context != null) {
      loaders.add(context);
    }
    loaders.add(Brokers.class.getClassLoader());
    for (ClassLoader loader : loaders) {
      for (T service : ServiceLoader.load(type, loader)) {
        found.putIfAbsent(service.getClass().getName(), service);
      }
    }
    return List.copyOf(found.values());
  }
}
