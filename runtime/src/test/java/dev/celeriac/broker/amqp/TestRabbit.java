package dev.celeriac.broker.amqp;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

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
