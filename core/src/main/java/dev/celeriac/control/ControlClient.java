package dev.celeriac.control;

import dev.celeriac.broker.ControlMailbox;
import dev.celeriac.events.EventDispatcher;
import dev.celeriac.events.LamportClock;
import dev.celeriac.protocol.Ids;
import dev.celeriac.protocol.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Asks the workers of a broker, as Celery's {@code app.control.broadcast} does: publishes a request to every
 * node and, when replies are wanted, collects them from its own reply queue until the timeout, or until every
 * named destination answered. Python and Java workers answer alike. Thread-safe; one reply queue per call.
 */
public final class ControlClient {

  /** How long {@code celery inspect} waits for replies by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

  /** Which nodes a request is for: named ones, those matching a pattern, or every one. */
  public record Selection(List<String> destination, String pattern, String matcher) {

    /** Every node. */
    public static final Selection ALL = new Selection(null, null, null);

    public Selection {
      destination = destination == null || destination.isEmpty() ? null : List.copyOf(destination);
    }

    /** The nodes named, or every node when none is. */
    public static Selection of(List<String> nodes) {
      return new Selection(nodes, null, null);
    }
  }

  /** One node's reply. */
  public record Reply(String node, Object value) {}

  private final ControlMailbox mailbox;
  private final LamportClock clock = new LamportClock();

  public ControlClient(ControlMailbox mailbox) {
    this.mailbox = Objects.requireNonNull(mailbox);
  }

  /**
   * Sends {@code method} to the selected nodes and collects their replies for up to {@code timeout}, or until
   * each named destination replied; {@code onReply} sees each one as it comes.
   */
  public List<Reply> call(String method, Map<String, Object> arguments, Selection selection, Duration timeout,
      Consumer<Reply> onReply) throws InterruptedException {
    String clientId = Ids.uuid();
    String ticket = Ids.uuid();
    List<Reply> replies = new ArrayList<>();
    try (ControlMailbox.Replies queue = mailbox.replies(clientId)) {
      Map<String, Object> request = request(method, arguments, selection);
      request.put("ticket", ticket);
      request.put("reply_to", Map.of("exchange", ControlMailbox.REPLY_EXCHANGE, "routing_key", clientId));
      publish(request, timeout);
      int limit = selection.destination() == null ? Integer.MAX_VALUE : selection.destination().size();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (replies.size() < limit) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        ControlMailbox.Message message = queue.poll(Duration.ofNanos(left));
        if (message == null) {
          break;
        }
        if (message.headers().get("clock") instanceof Number replyClock) {
          clock.adjust(replyClock.longValue());
        }
        if (!ticket.equals(message.headers().get("ticket"))) {
          continue;
        }
        if (Json.read(message.body()) instanceof Map<?, ?> body) {
          for (Map.Entry<?, ?> entry : body.entrySet()) {
            Reply reply = new Reply(String.valueOf(entry.getKey()), entry.getValue());
            replies.add(reply);
            onReply.accept(reply);
          }
        }
      }
    }
    return replies;
  }

  /** Sends {@code method} to the selected nodes without asking for replies. */
  public void cast(String method, Map<String, Object> arguments, Selection selection) {
    publish(request(method, arguments, selection), null);
  }

  private static Map<String, Object> request(String method, Map<String, Object> arguments, Selection selection) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("method", method);
    request.put("arguments", arguments);
    request.put("destination", selection.destination());
    request.put("pattern", selection.pattern());
    request.put("matcher", selection.matcher());
    return request;
  }

  private void publish(Map<String, Object> request, Duration timeout) {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("clock", clock.forward());
    // kombu's expiry of a request: when the asking client stops listening, 0 for none. Workers ignore it.
    headers.put("expires", timeout == null ? (Object) 0
        : EventDispatcher.epochSeconds(Instant.now().plus(timeout)));
    mailbox.broadcast(new ControlMailbox.Message(Json.write(request), headers));
  }
}
