package dev.celeriac.broker.amqp;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.AddressResolver;
import dev.celeriac.ConfigurationException;
import dev.celeriac.broker.BrokerUrl;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The RabbitMQ nodes a broker URL names: one, or the nodes of kombu's failover list
 * {@code amqp://u:p@h1:5672//;amqp://u:p@h2:5673//}, tried in the order written, each time a connection is made
 * or recovered (amqp-client would shuffle them).
 *
 * <p>Each URL after the first is completed as kombu completes it when it fails over: a port it leaves out is that
 * of the URL before it; a vhost it leaves out (no path, or {@code /}) is that of the URL before it; TLS options
 * ({@code ?ssl_...}) it leaves out are the first URL's; and a user it leaves out is {@code guest:guest}, not the
 * first URL's user. amqp-client logs in to every node with one user, vhost and TLS setting, so once completed
 * the URLs must agree on them; a list whose nodes differ there is refused at start, naming the difference,
 * rather than failing at the first failover. A RabbitMQ cluster shares its users and vhosts, so one set serves
 * every node.
 */
final class AmqpNodes implements AddressResolver {

  private final List<BrokerUrl> urls;
  private final List<Address> addresses;
  private final String user;
  private final String password;
  private final String vhost;

  private AmqpNodes(List<BrokerUrl> urls, List<Address> addresses, String user, String password, String vhost) {
    this.urls = urls;
    this.addresses = addresses;
    this.user = user;
    this.password = password;
    this.vhost = vhost;
  }

  /**
   * The nodes of {@code urls}, as {@link BrokerUrl#parseAll} read them from one broker URL.
   *
   * @throws ConfigurationException when the URLs mix {@code amqp} and {@code amqps}, or name different users,
   *     passwords, vhosts or TLS options once completed
   */
  static AmqpNodes of(List<BrokerUrl> urls) {
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("no broker URL");
    }
    BrokerUrl first = urls.get(0);
    boolean tls = isTls(first);
    List<Address> addresses = new ArrayList<>();
    int port = -1;
    String vhost = vhost(first);
    for (BrokerUrl url : urls) {
      if (!List.of("amqp", "amqps", "pyamqp").contains(url.scheme())) {
        throw differ(urls, "lists " + url + ", which is not an amqp:// or amqps:// URL");
      }
      if (isTls(url) != tls) {
        throw differ(urls, "mixes amqp:// and amqps:// URLs; use one scheme for every node");
      }
      if (!url.query().isEmpty() && !url.query().equals(first.query())) {
        throw differ(urls, "gives " + url + " TLS options other than the first URL's; write them once, on the first");
      }
      port = url.port(port < 0 ? (tls ? 5671 : 5672) : port);
      String own = ownVhost(url);
      if (own != null && !own.equals(vhost)) {
        throw differ(urls, "names the vhosts '" + vhost + "' and '" + own + "'; a cluster's nodes share their vhosts:"
            + " name one");
      }
      if (!Objects.equals(userOf(url), userOf(first)) || !Objects.equals(passwordOf(url), passwordOf(first))) {
        throw differ(urls, "logs in to " + host(url) + " as " + describeUser(url) + " and to " + host(first) + " as "
            + describeUser(first) + "; a URL without a user means guest:guest, as in kombu: write the same user and"
            + " password in every URL");
      }
      addresses.add(new Address(host(url), port));
    }
    return new AmqpNodes(List.copyOf(urls), List.copyOf(addresses), userOf(first), passwordOf(first), vhost);
  }

  /**
   * The vhost of a single URL as Celery reads it: an empty path, {@code /} and {@code //} all mean {@code /},
   * {@code /sentry} means {@code sentry}, and {@code %2F} is decoded.
   */
  static String vhost(BrokerUrl url) {
    String own = ownVhost(url);
    return own != null ? own : "/";
  }

  /** The vhost a URL names, percent-decoded as kombu's unquote; null when it leaves it out (no path, or {@code /}). */
  private static String ownVhost(BrokerUrl url) {
    String path = url.path();
    if (path.isEmpty()) {
      return null;
    }
    // Percent-decoding only: a '+' in a vhost name is a '+', not a space.
    return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String host(BrokerUrl url) {
    return url.host().isEmpty() ? "localhost" : url.host();
  }

  private static boolean isTls(BrokerUrl url) {
    return url.scheme().equals("amqps");
  }

  private static String userOf(BrokerUrl url) {
    return url.user() != null ? url.user() : "guest";
  }

  private static String passwordOf(BrokerUrl url) {
    return url.password() != null ? url.password() : "guest";
  }

  private static String describeUser(BrokerUrl url) {
    return "'" + userOf(url) + "'" + (url.user() == null ? " (none written)" : "");
  }

  private static ConfigurationException differ(List<BrokerUrl> urls, String what) {
    return new ConfigurationException("the broker URL " + display(urls) + " " + what);
  }

  private static String display(List<BrokerUrl> urls) {
    return urls.stream().map(BrokerUrl::toString).collect(Collectors.joining(";"));
  }

  /** The URL as given, passwords masked, every node in order. */
  String display() {
    return display(urls);
  }

  /** The first URL, whose TLS options ({@code ?ssl_...}) every node uses. */
  BrokerUrl first() {
    return urls.get(0);
  }

  boolean tls() {
    return isTls(first());
  }

  /** Host and port of each node, in order. */
  @Override
  public List<Address> getAddresses() {
    return addresses;
  }

  /** In the order written, as kombu tries its failover list: never shuffled. */
  @Override
  public List<Address> maybeShuffle(List<Address> input) {
    return input;
  }

  String user() {
    return user;
  }

  String password() {
    return password;
  }

  String vhost() {
    return vhost;
  }

  /** The hosts of the nodes, in order, each once. */
  List<String> hosts() {
    return addresses.stream().map(Address::getHost).distinct().toList();
  }
}
