package dev.celeriac.broker.redis;

import dev.celeriac.ConfigurationException;
import dev.celeriac.broker.BrokerUrl;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;

/**
 * Where a Redis URL points, read as kombu reads it: one server, {@code redis://[[user]:password@]host[:port][/db]}
 * or {@code rediss://} (TLS), or the master that a set of Sentinels names, {@code sentinel://h1:26379;sentinel://h2}.
 *
 * <p>A sentinel URL is kombu's list of Sentinel addresses separated by {@code ;}. As kombu (and Celery's result
 * backend) do, the user, password and database come from the first address and are used for the master, not for
 * the Sentinels, which are asked without a password. The master's name comes from {@code ?master_name=} on any
 * address, else from {@code redis.sentinel.master-name} (Celery takes it from {@code broker_transport_options}).
 * {@link #toString()} masks every password.
 */
public final class RedisEndpoint {

  private static final Logger log = LoggerFactory.getLogger(RedisEndpoint.class);

  /** Redis' own port. */
  public static final int DEFAULT_PORT = 6379;
  /** Sentinel's own port, kombu's default for a {@code sentinel://} address without one. */
  public static final int DEFAULT_SENTINEL_PORT = 26379;
  /** The query parameter naming the master, as Celery writes it in {@code broker_transport_options}. */
  static final String MASTER_NAME = "master_name";

  private final List<BrokerUrl> addresses;
  private final String masterName;
  private final int database;

  private RedisEndpoint(List<BrokerUrl> addresses, String masterName, int database) {
    this.addresses = List.copyOf(addresses);
    this.masterName = masterName;
    this.database = database;
  }

  /**
   * Reads a {@code redis://}, {@code rediss://} or {@code sentinel://} URL.
   *
   * @param configuredMasterName {@code redis.sentinel.master-name}, used by a sentinel URL without
   *     {@code ?master_name=}; may be null
   * @throws ConfigurationException for a malformed URL, a database that is not a number, a sentinel URL that names
   *     no master or two different ones, and a list of addresses that mixes schemes; never with a password in it
   */
  public static RedisEndpoint parse(String url, String configuredMasterName) {
    Objects.requireNonNull(url, "Redis URL");
    List<BrokerUrl> addresses = new ArrayList<>();
    for (String address : addresses(url)) {
      if (address.isBlank()) {
        throw new ConfigurationException("Redis URL has an empty address between its ';': " + masked(url));
      }
      addresses.add(BrokerUrl.parse(address.trim()));
    }
    BrokerUrl first = addresses.get(0);
    if (!first.scheme().equals("sentinel")) {
      if (addresses.size() > 1) {
        throw new ConfigurationException("a list of " + first.scheme() + ":// addresses is not supported: "
            + masked(url) + "; to follow a master through failover, list its Sentinels as sentinel://h1:26379;"
            + "sentinel://h2:26379?master_name=NAME");
      }
      return of(first);
    }
    for (BrokerUrl address : addresses) {
      if (!address.scheme().equals("sentinel")) {
        throw new ConfigurationException("every address of a sentinel:// URL must be sentinel://, found "
            + address.scheme() + ":// in " + masked(url));
      }
      if (address.query().keySet().stream().anyMatch(key -> key.startsWith("ssl_"))) {
        throw new ConfigurationException("TLS through Sentinel is not supported: " + masked(url)
            + "; reach the master with rediss:// instead");
      }
    }
    warnAboutIgnoredParts(addresses);
    return new RedisEndpoint(addresses, masterName(addresses, configuredMasterName, url), database(first));
  }

  /** A single server, {@code redis://} or {@code rediss://}. */
  public static RedisEndpoint of(BrokerUrl url) {
    if (!url.scheme().equals("redis") && !url.scheme().equals("rediss")) {
      throw new ConfigurationException("not a Redis URL (redis://, rediss:// or sentinel://): " + url);
    }
    return new RedisEndpoint(List.of(url), null, database(url));
  }

  /** Whether the master is found through Sentinels ({@code sentinel://}). */
  public boolean viaSentinel() {
    return masterName != null;
  }

  /** The name the Sentinels know the master by; null for a single server. */
  public String masterName() {
    return masterName;
  }

  /** The database number of the URL, 0 when it names none. */
  public int database() {
    return database;
  }

  /** Whether the connection to the server is TLS ({@code rediss://}). */
  boolean tls() {
    return first().scheme().equals("rediss");
  }

  /** The address whose user, password and TLS options apply to the data connections. */
  BrokerUrl first() {
    return addresses.get(0);
  }

  /** The single server's address. */
  HostAndPort server() {
    return hostAndPort(first(), DEFAULT_PORT);
  }

  /** The Sentinels to ask, in the URL's order, without repeats. */
  Set<HostAndPort> sentinels() {
    Set<HostAndPort> sentinels = new LinkedHashSet<>();
    for (BrokerUrl address : addresses) {
      sentinels.add(hostAndPort(address, DEFAULT_SENTINEL_PORT));
    }
    return sentinels;
  }

  /** The URL with every password replaced by {@code ***}. */
  @Override
  public String toString() {
    return addresses.stream().map(BrokerUrl::toString).collect(Collectors.joining(";"));
  }

  /**
   * The addresses of a URL: split at each {@code ;} when what follows every one is an address or nothing (a
   * stray {@code ;;}), else the whole URL, whose password may hold a {@code ;}.
   */
  private static List<String> addresses(String url) {
    String[] parts = url.trim().split(";", -1);
    for (int i = 1; i < parts.length; i++) {
      if (!parts[i].isBlank() && !parts[i].contains("://")) {
        return List.of(url.trim());
      }
    }
    return List.of(parts);
  }

  private static HostAndPort hostAndPort(BrokerUrl url, int defaultPort) {
    return new HostAndPort(url.host().isEmpty() ? "127.0.0.1" : url.host(), url.port(defaultPort));
  }

  private static int database(BrokerUrl url) {
    String path = url.path().replace("/", "");
    if (path.isEmpty()) {
      return 0;
    }
    try {
      return Integer.parseInt(path);
    } catch (NumberFormatException e) {
      throw new ConfigurationException("Redis database must be a number: " + url);
    }
  }

  private static String masterName(List<BrokerUrl> addresses, String configured, String url) {
    Set<String> named = new LinkedHashSet<>();
    for (BrokerUrl address : addresses) {
      String name = address.query().get(MASTER_NAME);
      if (name != null && !name.isBlank()) {
        named.add(name.trim());
      }
    }
    if (named.size() > 1) {
      throw new ConfigurationException("sentinel:// URL names more than one master " + named + ": " + masked(url));
    }
    if (!named.isEmpty()) {
      return named.iterator().next();
    }
    if (configured != null && !configured.isBlank()) {
      return configured.trim();
    }
    throw new ConfigurationException("sentinel:// URL names no master: " + masked(url) + "; add ?master_name=NAME"
        + " (the name in the Sentinels' 'sentinel monitor' line) or set redis.sentinel.master-name");
  }

  /**
   * kombu reads the user, password and database of the first address only; a later address that names others
   * is most likely meant the same way, so say which ones are used rather than guess.
   */
  private static void warnAboutIgnoredParts(List<BrokerUrl> addresses) {
    BrokerUrl first = addresses.get(0);
    for (BrokerUrl later : addresses.subList(1, addresses.size())) {
      boolean otherLogin = (later.user() != null || later.password() != null)
          && !(Objects.equals(later.user(), first.user()) && Objects.equals(later.password(), first.password()));
      boolean otherDatabase = !later.path().replace("/", "").isEmpty() && database(later) != database(first);
      if (otherLogin || otherDatabase) {
        log.warn("Sentinel address {} names its own {}; as in kombu, the user, password and database of the first"
            + " address ({}) apply to the master", later, otherLogin ? "user or password" : "database", first);
      }
    }
  }

  private static String masked(String url) {
    List<String> parts = new ArrayList<>();
    for (String address : addresses(url)) {
      try {
        parts.add(BrokerUrl.parse(address.trim()).toString());
      } catch (ConfigurationException e) {
        parts.add("(unreadable address)");
      }
    }
    return String.join(";", parts);
  }
}
