package dev.celeriac.it.amqp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
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
import java.util.concurrent.TimeoutException;

/**
 * The shared RabbitMQ of the machine (127.0.0.1:5672, guest/guest) and the vhosts the integration tests own:
 * {@code celeriac-it} and {@code celeriac-robust}. {@link #reset} deletes and recreates one through the
 * management API. A test that needs RabbitMQ fails loudly when it does not answer; it never skips.
 */
public final class ItRabbit {

  /** Added to each vhost name by {@code CELERIAC_TEST_VHOST_SUFFIX}, so that two work trees never share one. */
  private static final String SUFFIX = System.getenv().getOrDefault("CELERIAC_TEST_VHOST_SUFFIX", "");
  public static final String VHOST = "celeriac-it" + SUFFIX;
  /** The vhost of the robustness tests. */
  public static final String ROBUST_VHOST = "celeriac-robust" + SUFFIX;
  public static final String URL = url(VHOST);
  private static final String API = "http://127.0.0.1:15672/api";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private ItRabbit() {}

  /** The broker URL of {@code vhost} as Celery writes it. */
  public static String url(String vhost) {
    return "amqp://guest:guest@127.0.0.1:5672/" + vhost;
  }

  /** An empty {@link #VHOST}: every queue and exchange of earlier tests gone. */
  public static void reset() {
    reset(VHOST);
  }

  /** An empty {@code vhost}, which must be one of the tests' own. */
  public static void reset(String vhost) {
    if (!vhost.equals(VHOST) && !vhost.equals(ROBUST_VHOST)) {
      throw new IllegalArgumentException("not a vhost of the integration tests: " + vhost);
    }
    String path = "/vhosts/" + encode(vhost);
    call("DELETE", path, null, 204, 404);
    call("PUT", path, "{}", 201, 204);
    call("PUT", "/permissions/" + encode(vhost) + "/guest", "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}",
        201, 204);
  }

  /** The management API's view of a queue (durable, arguments, type, ...). */
  public static JsonNode queue(String vhost, String queue) {
    return json(call("GET", "/queues/" + encode(vhost) + "/" + encode(queue), null, 200));
  }

  /** The management API's view of an exchange. */
  public static JsonNode exchange(String vhost, String exchange) {
    return json(call("GET", "/exchanges/" + encode(vhost) + "/" + encode(exchange), null, 200));
  }

  /** The bindings whose destination is {@code queue}. */
  public static JsonNode queueBindings(String vhost, String queue) {
    return json(call("GET", "/queues/" + encode(vhost) + "/" + encode(queue) + "/bindings", null, 200));
  }

  /** The names of the queues of {@code vhost}. */
  public static List<String> queueNames(String vhost) {
    List<String> names = new ArrayList<>();
    json(call("GET", "/queues/" + encode(vhost) + "?columns=name", null, 200))
        .forEach(queue -> names.add(queue.path("name").asText()));
    return names;
  }

  /**
   * The names RabbitMQ gives the open connections to {@code vhost} whose client called them {@code clientName}
   * (amqp-client's {@code newConnection(name)}), as the management API lists them.
   */
  public static List<String> connectionNames(String vhost, String clientName) {
    List<String> names = new ArrayList<>();
    json(call("GET", "/vhosts/" + encode(vhost) + "/connections", null, 200)).forEach(connection -> {
      if (connection.path("client_properties").path("connection_name").asText().equals(clientName)) {
        names.add(connection.path("name").asText());
      }
    });
    return names;
  }

  /** Closes a connection from the broker's side, as an operator or a failing network would. */
  public static void closeConnection(String name) {
    call("DELETE", "/connections/" + encode(name), null, 204, 404);
  }

  /** A plain amqp-client connection to {@code vhost}, for looking at queues as RabbitMQ holds them. */
  public static Connection connect(String vhost) {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setPort(5672);
    factory.setVirtualHost(vhost);
    factory.setUsername("guest");
    factory.setPassword("guest");
    factory.setAutomaticRecoveryEnabled(false);
    try {
      return factory.newConnection("celeriac integration test");
    } catch (IOException | TimeoutException e) {
      throw new AssertionError("RabbitMQ is not answering on 127.0.0.1:5672 (vhost " + vhost + "; run bin/services"
          + " to start it): " + e, e);
    }
  }

  /** Ready messages and consumers of {@code queue} right now (a passive declare), or null if it does not exist. */
  public static long[] readyAndConsumers(Connection connection, String queue) {
    try {
      Channel channel = connection.createChannel();
      try {
        var ok = channel.queueDeclarePassive(queue);
        return new long[] {ok.getMessageCount(), ok.getConsumerCount()};
      } finally {
        if (channel.isOpen()) {
          channel.close();
        }
      }
    } catch (IOException e) {
      return null; // 404: the passive declare closed the channel
    } catch (TimeoutException e) {
      throw new AssertionError(e);
    }
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

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
