package dev.celeriac.control;

import dev.celeriac.broker.ControlMailbox;
import dev.celeriac.events.LamportClock;
import dev.celeriac.events.PythonText;
import dev.celeriac.protocol.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's node in the remote-control mailbox, as kombu's {@code pidbox.Node} with Celery's worker around
 * it: takes every broadcast request, keeps those its {@code destination}, {@code pattern} and {@code matcher}
 * select, runs the named command and, when the request has a {@code reply_to}, replies
 * {@code {"<node>": <result>}} with the request's {@code ticket}. An unknown command answers
 * {@code {"error": "KeyError('<name>')"}}, a failing one {@code {"error": "<repr of the error>"}}, and a command
 * that returns {@link #NO_REPLY} (Celery's {@code shutdown}) nothing at all.
 */
public final class ControlNode implements Consumer<ControlMailbox.Message> {

  private static final Logger log = LoggerFactory.getLogger(ControlNode.class);

  /** What a command returns to send no reply, as Celery's {@code shutdown}, whose exception ends the node. */
  public static final Object NO_REPLY = new Object();

  /** One remote-control command: its arguments in, its reply value out (JSON-like, or null). */
  @FunctionalInterface
  public interface Command {
    Object run(Map<String, Object> arguments) throws Exception;
  }

  private final String node;
  private final ControlMailbox mailbox;
  private final LamportClock appClock;
  /** kombu's mailbox clock: separate from the app's, stamped on replies. */
  private final LamportClock mailboxClock = new LamportClock();
  private final Map<String, Command> commands;

  /**
   * @param node this node's name
   * @param appClock the worker's clock, forwarded by every request as Celery's worker does
   * @param commands the commands by name
   */
  public ControlNode(String node, ControlMailbox mailbox, LamportClock appClock, Map<String, Command> commands) {
    this.node = node;
    this.mailbox = mailbox;
    this.appClock = appClock;
    this.commands = Map.copyOf(commands);
  }

  @Override
  public void accept(ControlMailbox.Message message) {
    appClock.forward();
    if (message.headers().get("clock") instanceof Number clock) {
      mailboxClock.adjust(clock.longValue());
    }
    Map<?, ?> request;
    try {
      if (!(Json.read(message.body()) instanceof Map<?, ?> body)) {
        log.warn("Ignoring a remote-control message that is not a JSON object");
        return;
      }
      request = body;
    } catch (RuntimeException e) {
      log.warn("Ignoring a remote-control message that is not JSON: {}", e.getMessage());
      return;
    }
    boolean selected;
    try {
      selected = NodeMatcher.selects(node, request.get("destination"), request.get("pattern"), request.get("matcher"));
    } catch (IllegalArgumentException e) {
      log.error("Control command error: {}", e.getMessage());
      return;
    }
    if (!selected || !(request.get("method") instanceof String method)) {
      return;
    }
    Object reply = dispatch(method, request.get("arguments") instanceof Map<?, ?> arguments ? arguments : Map.of());
    if (reply != NO_REPLY && request.get("reply_to") instanceof Map<?, ?> replyTo
        && replyTo.get("routing_key") instanceof String routingKey) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put(node, reply);
      Map<String, Object> headers = new LinkedHashMap<>();
      headers.put("ticket", request.get("ticket") instanceof String ticket ? ticket : null);
      headers.put("clock", mailboxClock.forward());
      try {
        mailbox.reply(routingKey, new ControlMailbox.Message(Json.write(body), headers));
      } catch (RuntimeException e) {
        log.warn("Could not reply to remote-control command {}: {}", method, e.getMessage());
      }
    }
  }

  /** Runs {@code method}; its reply value, an error reply, or {@link #NO_REPLY}. */
  private Object dispatch(String method, Map<?, ?> rawArguments) {
    Command command = commands.get(method);
    if (command == null) {
      log.error("No such control command: {}", method);
      return Map.of("error", "KeyError(" + PythonText.repr(method) + ")");
    }
    Map<String, Object> arguments = new LinkedHashMap<>();
    rawArguments.forEach((name, value) -> arguments.put(String.valueOf(name), value));
    log.debug("Remote-control command {} {}", method, arguments);
    try {
      return command.run(arguments);
    } catch (Exception e) {
      log.error("Control command {} failed", method, e);
      return Map.of("error", PythonText.repr(e));
    }
  }
}
