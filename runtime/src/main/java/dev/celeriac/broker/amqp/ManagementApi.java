package dev.celeriac.broker.amqp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Optional;

/**
 * What AMQP cannot tell: how many messages are unacked, and which queues exist. RabbitMQ's management API
 * knows; where it does not answer (the plugin is off, another port), callers get nothing and say so.
 */
final class ManagementApi {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final String base;
  private final String authorization;

  ManagementApi(String host, int port, String vhost, String user, String password) {
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    this.base = "http://" + hostPart + ":" + port + "/api/queues/" + encode(vhost);
    this.authorization = "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** The unacked count of {@code queue}, if the API answers; 0 for a queue that does not exist. */
  Optional<Long> unacked(String queue) {
    return get("/" + encode(queue) + "?columns=messages_unacknowledged", JSON.createObjectNode())
        .map(node -> node.path("messages_unacknowledged").asLong(0));
  }

  /** The names of the vhost's queues, if the API answers. */
  Optional<List<String>> queueNames() {
    return get("?columns=name", null).map(node -> {
      List<String> names = new ArrayList<>();
      node.forEach(queue -> names.add(queue.path("name").asText()));
      return names;
    });
  }

  /** The answer to a GET; {@code notFound} for a 404, empty when the API does not answer. */
  private Optional<JsonNode> get(String path, JsonNode notFound) {
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
        return Optional.empty();
      }
      return Optional.of(JSON.readTree(response.body()));
    } catch (java.io.IOException | IllegalArgumentException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
