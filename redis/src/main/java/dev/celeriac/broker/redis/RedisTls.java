package dev.celeriac.broker.redis;

import dev.celeriac.broker.BrokerTls;
import dev.celeriac.broker.BrokerUrl;
import javax.net.ssl.SSLParameters;
import redis.clients.jedis.DefaultJedisClientConfig;

/** TLS for {@code rediss://}, as {@link BrokerTls} reads the URL. */
final class RedisTls {

  private RedisTls() {}

  /** Sets TLS up on {@code client} as the URL asks: verified certificate and host name unless told not to. */
  static void configure(BrokerUrl url, DefaultJedisClientConfig.Builder client) {
    client.ssl(true);
    client.sslSocketFactory(BrokerTls.context(url).getSocketFactory());
    if (!BrokerTls.verifies(url)) {
      client.hostnameVerifier((hostname, session) -> true);
      return;
    }
    SSLParameters parameters = new SSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    client.sslParameters(parameters);
  }
}
