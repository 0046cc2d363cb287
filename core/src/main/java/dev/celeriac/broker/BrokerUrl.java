package dev.celeriac.broker;

import dev.celeriac.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A broker URL read as Celery/kombu read them: {@code memory://[name]},
 * {@code redis://[:password@]host[:port][/db]}, {@code amqp://user:pass@host[:port][/vhost]}. Its
 * {@link #toString()} masks the password, so it is safe in logs and messages.
 */
public final class BrokerUrl {

  private final String scheme;
  private final String user;
  private final String password;
  private final String host;
  private final int port;
  private final String path;
  private final Map<String, String> query;

  private BrokerUrl(String scheme, String user, String password, String host, int port, String path,
      Map<String, String> query) {
    this.scheme = scheme;
    this.user = user;
    this.password = password;
    this.host = host;
    this.port = port;
    this.path = path;
    this.query = query;
  }

  /**
   * Parses a URL.
   *
   * @throws ConfigurationException when it is not a URL; the message never contains the password
   */
  public static BrokerUrl parse(String text) {
    Objects.requireNonNull(text, "broker URL");
    int schemeEnd = text.indexOf("://");
    if (schemeEnd <= 0) {
      throw new ConfigurationException("broker URL has no scheme (expected memory://, redis:// or amqp://): "
          + maskRaw(text));
    }
    String scheme = text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    String rest = text.substring(schemeEnd + 3);
    Map<String, String> query = new LinkedHashMap<>();
    int question = rest.indexOf('?');
    if (question >= 0) {
      for (String pair : rest.substring(question + 1).split("&", -1)) {
        if (!pair.isEmpty()) {
          int equals = pair.indexOf('=');
          query.put(decode(equals < 0 ? pair : pair.substring(0, equals), text),
              equals < 0 ? "" : decode(pair.substring(equals + 1), text));
        }
      }
      rest = rest.substring(0, question);
    }
    // The user info ends at the last '@', so that a password holding '/' or '@' still parses.
    int at = rest.lastIndexOf('@');
    String userInfo = at < 0 ? null : rest.substring(0, at);
    String hostAndPath = at < 0 ? rest : rest.substring(at + 1);
    int slash = hostAndPath.indexOf('/');
    String authority = slash < 0 ? hostAndPath : hostAndPath.substring(0, slash);
    String path = slash < 0 ? "" : hostAndPath.substring(slash + 1);
    String user = null;
    String password = null;
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon), text);
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1), text);
      if (user.isEmpty()) {
        user = null;
      }
    }
    String host = authority;
    int port = -1;
    int colon = authority.lastIndexOf(':');
    if (colon >= 0 && authority.indexOf(']') < colon) {
      host = authority.substring(0, colon);
      String portText = authority.substring(colon + 1);
      try {
        port = Integer.parseInt(portText);
      } catch (NumberFormatException e) {
        throw new ConfigurationException("broker URL has a port that is not a number: " + maskRaw(text));
      }
      if (port <= 0 || port > 65535) {
        throw new ConfigurationException("broker URL port out of range: " + maskRaw(text));
      }
    }
    if (!host.isEmpty()) {
      try {
        new URI(scheme, null, host, port, null, null, null);
      } catch (URISyntaxException e) {
        throw new ConfigurationException("broker URL has a bad host: " + maskRaw(text));
      }
    }
    return new BrokerUrl(scheme, user, password, host, port, path, Map.copyOf(query));
  }

  /**
   * Parses kombu's failover list: URLs separated by {@code ;}, such as
   * {@code amqp://u:p@h1//;amqp://u:p@h2//}, each read as {@link #parse} reads one. A single URL gives a list of
   * one. What the later URLs take from earlier ones is the broker's to decide.
   *
   * @throws ConfigurationException when one of them is not a URL, or one is empty
   */
  public static List<BrokerUrl> parseAll(String text) {
    Objects.requireNonNull(text, "broker URL");
    List<BrokerUrl> urls = new ArrayList<>();
    for (String part : text.split(";", -1)) {
      if (part.isBlank()) {
        throw new ConfigurationException("broker URL has an empty entry in its ';'-separated list: " + maskAll(text));
      }
      urls.add(parse(part.trim()));
    }
    return List.copyOf(urls);
  }

  public String scheme() {
    return scheme;
  }

  /** The user, or null. */
  public String user() {
    return user;
  }

  /** The password, or null. Never print it. */
  public String password() {
    return password;
  }

  /** The host, empty when the URL has none. */
  public String host() {
    return host;
  }

  /** The port, or {@code defaultPort} when the URL has none. */
  public int port(int defaultPort) {
    return port < 0 ? defaultPort : port;
  }

  /** The path after the authority, without its leading slash and undecoded, for example {@code 0} or {@code /}. */
  public String path() {
    return path;
  }

  /** Query parameters, decoded, such as kombu's {@code ssl_ca_certs}; empty when there are none. */
  public Map<String, String> query() {
    return query;
  }

  /** The URL with the password replaced by {@code ***}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(scheme).append("://");
    if (user != null || password != null) {
      if (user != null) {
        out.append(user);
      }
      if (password != null) {
        out.append(":***");
      }
      out.append('@');
    }
    out.append(host);
    if (port >= 0) {
      out.append(':').append(port);
    }
    if (!path.isEmpty()) {
      out.append('/').append(path);
    }
    if (!query.isEmpty()) {
      out.append('?').append(String.join("&", query.keySet().stream().sorted().map(k -> k + "=" + query.get(k)).toList()));
    }
    return out.toString();
  }

  private static String decode(String part, String url) {
    try {
      return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("broker URL has a bad %-escape in its user or password: " + maskRaw(url));
    }
  }

  /** Each URL of a {@code ;}-separated list masked as {@link #maskRaw} masks one. */
  private static String maskAll(String text) {
    List<String> masked = new ArrayList<>();
    for (String part : text.split(";", -1)) {
      masked.add(maskRaw(part));
    }
    return String.join(";", masked);
  }

  /** Masks whatever stands between {@code user:} and the last {@code @} in text that did not parse. */
  static String maskRaw(String text) {
    int schemeEnd = text.indexOf("://");
    int start = schemeEnd < 0 ? 0 : schemeEnd + 3;
    int at = text.lastIndexOf('@');
    int colon = text.indexOf(':', start);
    if (at < start || colon < 0 || colon > at) {
      return text;
    }
    return text.substring(0, colon + 1) + "***" + text.substring(at);
  }
}
