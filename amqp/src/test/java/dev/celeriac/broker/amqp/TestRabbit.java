package dev.celeriac.broker.amqp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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

/**
 * The shared RabbitMQ of the machine (127.0.0.1:5672, guest/guest), vhost {@code celeriac-test}, which the
 * runtime's tests own: {@link #reset()} deletes and recreates it through the management API. A test that
 * needs RabbitMQ fails loudly when it does not answer; it never skips.
 */
public final class TestRabbit {

  /** {@code celeriac-test}, plus {@code CELERIAC_TEST_VHOST_SUFFIX} when a second work tree runs its tests. */
  public static final String VHOST = "celeriac-test" + System.getenv().getOrDefault("CELERIAC_TEST_VHOST_SUFFIX", "");
  public static final String URL = "amqp://guest:guest@127.0.0.1:5672/" + VHOST;
  private static final String API = "http://127.0.0.1:15672/api";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestRabbit() {}

  /** An empty {@link #VHOST}: every queue and exchange of earlier tests gone. */
  public static void reset() {
    call("DELETE", "/vhosts/" + VHOST, null, 204, 404);
    call("PUT", "/vhosts/" + VHOST, "{}", 201, 204);
    call("PUT", "/permissions/" + VHOST + "/guest", "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}",
        201, 204);
  }

  /**
   * The names RabbitMQ gives the open connections to {@link #VHOST} whose client called them {@code clientName},
   * as the management API lists them.
   */
  public static List<String> connectionNames(String clientName) {
    List<String> names = new ArrayList<>();
    try {
      for (JsonNode connection : new ObjectMapper().readTree(call("GET", "/vhosts/" + VHOST + "/connections", null,
          200))) {
        if (connection.path("client_properties").path("connection_name").asText().equals(clientName)) {
          names.add(connection.path("name").asText());
        }
      }
    } catch (IOException e) {
      throw new AssertionError("the management API's connection list is not JSON", e);
    }
    return names;
  }

  /** Closes a connection from the broker's side, as an operator or a failing network would. */
  public static void closeConnection(String name) {
    call("DELETE", "/connections/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"), null,
        204, 404);
  }

  /** A management API call that must answer one of {@code expected}. */
  public static String call(String method, String path, String json, int... expected) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(API + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Basic " + Base64.getEncoder()
            .encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8)))
        .header("Content-Type", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json))
        .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      for (int status : expected) {
        if (response.statusCode() == status) {
          return response.body();
        }
      }
      throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    } catch (IOException e) {
      throw new AssertionError("RabbitMQ's management API is not answering on 127.0.0.1:15672 (run bin/services"
          + " to start RabbitMQ and enable it): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
