package dev.celeriac.broker.amqp;

import dev.celeriac.protocol.Json;
import dev.celeriac.protocol.MalformedMessageException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What AMQP cannot tell: how many messages are unacked, and which queues exist. RabbitMQ's management API
 * knows; where it does not answer (the plugin is off, another port), callers get nothing and say so. In a
 * cluster every node's API describes the whole cluster: the nodes are asked in the broker URL's order, and the
 * first that answers is asked first from then on.
 */
final class ManagementApi {

  private final HttpClient http;
  private final List<String> bases = new ArrayList<>();
  private final String authorization;
  /** The node that answered last. */
  private volatile int answering;

  ManagementApi(List<String> hosts, int port, String vhost, String user, String password) {
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    for (String host : hosts) {
      String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
      bases.add("http://" + hostPart + ":" + port + "/api/queues/" + encode(vhost));
    }
    this.authorization = "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** The unacked count of {@code queue}, if the API answers; 0 for a queue that does not exist. */
  Optional<Long> unacked(String queue) {
    return get("/" + encode(queue) + "?columns=messages_unacknowledged", Map.of())
        .map(answer -> answer instanceof Map<?, ?> fields && fields.get("messages_unacknowledged") instanceof Number count
            ? count.longValue() : 0L);
  }

  /** The names of the vhost's queues, if the API answers. */
  Optional<List<String>> queueNames() {
    return get("?columns=name", null).map(answer -> {
      List<String> names = new ArrayList<>();
      if (answer instanceof List<?> queues) {
        for (Object queue : queues) {
          if (queue instanceof Map<?, ?> fields && fields.get("name") instanceof String name) {
            names.add(name);
          }
        }
      }
      return names;
    });
  }

  /**
   * The answer to a GET from the first node that answers, as {@link Json#read} reads it; {@code notFound} for a
   * 404, empty when none answers.
   */
  private Optional<Object> get(String path, Object notFound) {
    int first = answering;
    for (int i = 0; i < bases.size(); i++) {
      int node = (first + i) % bases.size();
      Optional<Object> answer = get(bases.get(node), path, notFound);
      if (answer != null) {
        answering = node;
        return answer;
      }
    }
    return Optional.empty();
  }

  /** One node's answer, as {@link #get(String, Object)} returns it; null when this node did not answer. */
  private Optional<Object> get(String base, String path, Object notFound) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
          .timeout(Duration.ofSeconds(3))
          .header("Authorization", authorization)
          .GET()
          .build();
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() == 404) {
        return Optional.ofNullable(notFound);
      }
      if (response.statusCode() != 200) {
        return null;
      }
      return Optional.of(Json.read(response.body()));
    } catch (java.io.IOException | IllegalArgumentException | MalformedMessageException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
