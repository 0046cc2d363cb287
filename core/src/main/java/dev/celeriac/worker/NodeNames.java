package dev.celeriac.worker;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Worker node names as Celery's {@code -n}/{@code --hostname} makes them: {@code name@host}, where a value
 * without {@code @} names the host, and {@code %h} (this machine's host name), {@code %n} (its first label),
 * {@code %d} (the rest, its domain), {@code %i} (the process index, 0 in a worker's main process), {@code %I}
 * (the same with a leading dash, empty in the main process) and {@code %%} expand.
 */
public final class NodeNames {

  /** The node name of a worker that is given none. */
  public static final String DEFAULT = "celeriac@%h";
  /** The name part when a value names only the host. */
  static final String DEFAULT_NAME = "celeriac";

  private static final Pattern FORMAT = Pattern.compile("%(\\w|%)");

  private NodeNames() {}

  /**
   * The node name {@code value} stands for on this machine.
   *
   * @throws IllegalArgumentException for a {@code %} abbreviation Celery does not know, or a blank name
   */
  public static String expand(String value) {
    return expand(value, hostName());
  }

  /** {@link #expand(String)} with {@code host} as this machine's host name. */
  static String expand(String value, String host) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("a worker node name must not be blank");
    }
    int at = value.indexOf('@');
    String name = at < 0 ? DEFAULT_NAME : value.substring(0, at);
    String nodeHost = at < 0 ? value : value.substring(at + 1);
    String node = (name.isEmpty() ? DEFAULT_NAME : name) + "@" + (nodeHost.isEmpty() ? host : nodeHost);
    int dot = host.indexOf('.');
    String shortName = dot < 0 ? host : host.substring(0, dot);
    String domain = dot < 0 ? "" : host.substring(dot + 1);
    Matcher matcher = FORMAT.matcher(node);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String replacement = switch (matcher.group(1)) {
        case "h" -> host;
        case "n" -> shortName;
        case "d" -> domain;
        case "i" -> "0";
        case "I" -> "";
        case "%" -> "%";
        default -> throw new IllegalArgumentException("unknown format key %" + matcher.group(1) + " in node name '"
            + value + "'; known are %h (host name), %n (its first label), %d (its domain), %i, %I and %%");
      };
      matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /** This machine's host name as Python's {@code socket.gethostname()} gives it: the kernel's, not DNS's. */
  public static String hostName() {
    try {
      Path kernel = Path.of("/proc/sys/kernel/hostname");
      if (Files.isReadable(kernel)) {
        String name = Files.readString(kernel, StandardCharsets.UTF_8).trim();
        if (!name.isEmpty()) {
          return name;
        }
      }
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
