package dev.celeriac.spring.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The machine's shared Redis and RabbitMQ as these tests use them: a Redis database and a vhost of each Spring Boot
 * version's module, set in its pom ({@code celeriac.test.spring.database} and {@code celeriac.test.spring.vhost}:
 * database 8 and {@code celeriac-spring} by default), because the two modules run the same tests side by side.
 * {@code CELERIAC_TEST_REDIS_PORT} and {@code CELERIAC_TEST_VHOST_SUFFIX} move them to a work
 * tree's own Redis and vhost. A test that needs a broker fails loudly when it does not answer; it never skips.
 */
final class TestBrokers {

  static final int REDIS_PORT = Integer.parseInt(System.getenv().getOrDefault("CELERIAC_TEST_REDIS_PORT", "6379"));
  static final int REDIS_DATABASE = Integer.getInteger("celeriac.test.spring.database", 8);
  static final String REDIS_URL = "redis://127.0.0.1:" + REDIS_PORT + "/" + REDIS_DATABASE;
  static final String VHOST = System.getProperty("celeriac.test.spring.vhost", "celeriac-spring")
      + System.getenv().getOrDefault("CELERIAC_TEST_VHOST_SUFFIX", "");
  static final String RABBIT_URL = "amqp://guest:guest@127.0.0.1:5672/" + VHOST;

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestBrokers() {}

  /** A connection to the tests' Redis database, after checking Redis answers. */
  static Jedis redis() {
    Jedis jedis = new Jedis("127.0.0.1", REDIS_PORT);
    try {
      jedis.ping();
    } catch (JedisConnectionException e) {
      jedis.close();
      throw new AssertionError("Redis is not answering on 127.0.0.1:" + REDIS_PORT + " (run bin/services): " + e, e);
    }
    jedis.select(REDIS_DATABASE);
    return jedis;
  }

  static void flushRedis() {
    try (Jedis jedis = redis()) {
      jedis.flushDB();
    }
  }

  /** An empty {@link #VHOST}, through RabbitMQ's management API. */
  static void resetVhost() {
    String vhost = URLEncoder.encode(VHOST, StandardCharsets.UTF_8);
    call("DELETE", "/vhosts/" + vhost, null, 204, 404);
    call("PUT", "/vhosts/" + vhost, "{}", 201, 204);
    call("PUT", "/permissions/" + vhost + "/guest", "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}", 201,
        204);
  }

  private static void call(String method, String path, String json, int... expected) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:15672/api" + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8)))
        .header("Content-Type", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
        .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      for (int status : expected) {
        if (response.statusCode() == status) {
          return;
        }
      }
      throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    } catch (IOException e) {
      throw new AssertionError("RabbitMQ's management API is not answering on 127.0.0.1:15672 (run bin/services): " + e,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
