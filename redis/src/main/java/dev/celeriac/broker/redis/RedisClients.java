package dev.celeriac.broker.redis;

import dev.celeriac.ConfigurationException;
import dev.celeriac.broker.BrokerUnreachableException;
import dev.celeriac.broker.FirstConnection;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisSentineled;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.providers.ConnectionProvider;
import redis.clients.jedis.providers.PooledConnectionProvider;
import redis.clients.jedis.providers.SentineledConnectionProvider;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Pooled Redis clients for {@code redis://}, {@code rediss://} and {@code sentinel://} URLs: the one place where
 * Celeriac connects to Redis, for the broker and for anything else that stores in Redis. A sentinel client asks the
 * Sentinels where the master is, listens for their {@code +switch-master} announcements and moves its pool to the
 * promoted replica after a failover; until then its commands fail as they would against a stopped server.
 */
public final class RedisClients {

  private static final Logger log = LoggerFactory.getLogger(RedisClients.class);

  private static final int CONNECT_TIMEOUT_MILLIS = 5000;
  private static final int SOCKET_TIMEOUT_MILLIS = 30_000;
  /** Sentinels answer from memory: a slow one is as good as a dead one. */
  private static final int SENTINEL_TIMEOUT_MILLIS = 2000;
  private static final String CLIENT_NAME = "celeriac";

  /**
   * {@code UnifiedJedis.pipelined()}, bound by name: Jedis 5 declares it to return {@code PipelineBase}, Jedis 7
   * (what Spring Boot 4 manages) {@code AbstractPipeline}, so a call compiled against one is a
   * {@link NoSuchMethodError} on the other. Both return a {@link Pipeline} for a pooled or sentinel client.
   */
  private static final MethodHandle PIPELINED = pipelinedHandle();

  private RedisClients() {}

  /**
   * A pipeline on one connection from {@code redis}'s pool, whichever Jedis from 5.2 to 7 is on the class path;
   * closing it returns the connection.
   */
  public static Pipeline pipeline(UnifiedJedis redis) {
    try {
      return (Pipeline) PIPELINED.invoke(redis);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new JedisException(e);
    }
  }

  private static MethodHandle pipelinedHandle() {
    try {
      Method method = UnifiedJedis.class.getMethod("pipelined");
      return MethodHandles.publicLookup().unreflect(method);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * A pooled client for {@code url}, once Redis answered; waits up to the settings' connect timeout for one that
   * does not answer yet, as a broker does at start-up.
   *
   * @throws ConfigurationException for a malformed URL, and when Redis will never accept it: it refuses the
   *     credentials or the database, the host name does not resolve, no Sentinel knows the master's name
   * @throws BrokerUnreachableException when Redis (or every Sentinel) did not answer within the connect timeout
   */
  public static UnifiedJedis connect(String url, RedisSettings settings) {
    return connect(RedisEndpoint.parse(url, settings.sentinelMasterName()), settings);
  }

  /** As {@link #connect(String, RedisSettings)}, for a URL already read. */
  public static UnifiedJedis connect(RedisEndpoint endpoint, RedisSettings settings) {
    FirstConnection.Attempt<UnifiedJedis> attempt = () -> open(endpoint, settings);
    return endpoint.viaSentinel()
        ? FirstConnection.open("Redis", endpoint.toString(), settings.connectTimeout(), attempt, RedisClients::refusal)
        : FirstConnection.open("Redis", endpoint.first(), settings.connectTimeout(), attempt, RedisClients::refusal);
  }

  /**
   * Refusals that pass by themselves, as an unreachable Redis does: a restarted Redis answers LOADING until it
   * has read its data back, and a primary demoted in a failover answers READONLY until the client is pointed at
   * the new one (a Sentinel- or DNS-based switch).
   */
  static boolean isTransient(JedisException e) {
    String message = e.getMessage();
    return e instanceof JedisDataException && message != null
        && (message.startsWith("LOADING") || message.startsWith("READONLY"));
  }

  /**
   * Connections of their own for blocking commands, named {@code clientName}, as many as threads block at once:
   * a blocked command never holds a connection of the shared pool. Follows a Sentinel failover as {@link
   * #connect(RedisEndpoint, RedisSettings)} does; connects lazily.
   */
  public static ConnectionProvider openBlocking(RedisEndpoint endpoint, String clientName) {
    JedisClientConfig client = clientConfig(endpoint, clientName);
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(-1);
    pool.setJmxEnabled(false);
    if (!endpoint.viaSentinel()) {
      return new PooledConnectionProvider(endpoint.server(), client, pool);
    }
    return new SentineledConnectionProvider(endpoint.masterName(), client, pool, endpoint.sentinels(),
        sentinelConfig());
  }

  /** One attempt: a client that answered PING, or the failure. */
  private static UnifiedJedis open(RedisEndpoint endpoint, RedisSettings settings) {
    JedisClientConfig client = clientConfig(endpoint, CLIENT_NAME);
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(settings.poolSize());
    pool.setMaxIdle(settings.poolSize());
    pool.setJmxEnabled(false);
    if (!endpoint.viaSentinel()) {
      UnifiedJedis redis = new JedisPooled(endpoint.server(), client, pool);
      return pinged(redis, () -> redis.ping());
    }
    HostAndPort master = locateMaster(endpoint);
    JedisSentineled redis = new JedisSentineled(endpoint.masterName(), client, pool, endpoint.sentinels(),
        sentinelConfig());
    return pinged(redis, () -> {
      try {
        redis.ping();
      } catch (JedisConnectionException e) {
        throw new JedisConnectionException("the master '" + endpoint.masterName() + "' at " + master
            + " does not answer (" + FirstConnection.reason(e) + ")");
      }
    });
  }

  private static UnifiedJedis pinged(UnifiedJedis redis, Runnable ping) {
    try {
      ping.run();
      return redis;
    } catch (RuntimeException e) {
      redis.close();
      throw e;
    }
  }

  private static JedisClientConfig clientConfig(RedisEndpoint endpoint, String clientName) {
    DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
        .database(endpoint.database())
        .connectionTimeoutMillis(CONNECT_TIMEOUT_MILLIS)
        .socketTimeoutMillis(SOCKET_TIMEOUT_MILLIS)
        .clientName(clientName);
    if (endpoint.tls()) {
      RedisTls.configure(endpoint.first(), client);
    }
    if (endpoint.first().password() != null) {
      client.password(endpoint.first().password());
    }
    if (endpoint.first().user() != null) {
      client.user(endpoint.first().user());
    }
    return client.build();
  }

  /** Sentinels are asked without credentials, as kombu asks them unless told otherwise. */
  private static JedisClientConfig sentinelConfig() {
    return DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis(SENTINEL_TIMEOUT_MILLIS)
        .socketTimeoutMillis(SENTINEL_TIMEOUT_MILLIS)
        .clientName(CLIENT_NAME)
        .build();
  }

  /**
   * Asks the Sentinels in order where the master is, so that a failure reads as what it is: no Sentinel answers
   * (worth waiting for), or those that answer do not know the name (a configuration error).
   */
  private static HostAndPort locateMaster(RedisEndpoint endpoint) {
    List<String> unreachable = new ArrayList<>();
    List<HostAndPort> unaware = new ArrayList<>();
    for (HostAndPort sentinel : endpoint.sentinels()) {
      try (Jedis jedis = new Jedis(sentinel, sentinelConfig())) {
        List<String> address = jedis.sentinelGetMasterAddrByName(endpoint.masterName());
        if (address != null && address.size() == 2) {
          return new HostAndPort(address.get(0), Integer.parseInt(address.get(1)));
        }
        unaware.add(sentinel);
      } catch (JedisConnectionException e) {
        unreachable.add(sentinel + " (" + FirstConnection.reason(e) + ")");
      } catch (JedisDataException e) {
        throw new SentinelRefusal("Sentinel " + sentinel + " refused to name the master (" + e.getMessage()
            + "); Celeriac, as kombu, asks Sentinels without a password");
      }
    }
    if (!unaware.isEmpty()) {
      log.debug("Sentinels {} do not monitor '{}'; unreachable: {}", unaware, endpoint.masterName(), unreachable);
      throw new SentinelRefusal("has no master named '" + endpoint.masterName() + "': Sentinel"
          + (unaware.size() > 1 ? "s " : " ") + unaware + " monitor" + (unaware.size() > 1 ? "" : "s")
          + " no such master; check ?master_name= or redis.sentinel.master-name against the Sentinels'"
          + " 'sentinel monitor' lines");
    }
    throw new JedisConnectionException("no Sentinel answered: " + String.join(", ", unreachable));
  }

  /**
   * What Redis answers when it will never accept this configuration: credentials (WRONGPASS, NOAUTH, NOPERM), a
   * password it has no use for, a database out of range, a master no Sentinel knows. Null for LOADING and for no
   * answer: they pass.
   */
  private static String refusal(Exception failure) {
    if (failure instanceof SentinelRefusal refused) {
      return refused.getMessage();
    }
    if (failure instanceof JedisAccessControlException) {
      return "refused the credentials of the broker URL (" + failure.getMessage() + "); check its user and password";
    }
    if (failure instanceof JedisDataException refused && !isTransient(refused)) {
      return "refused the connection: " + failure.getMessage();
    }
    return null;
  }

  /** The Sentinels answered, and no retry will change their answer. */
  private static final class SentinelRefusal extends RuntimeException {
    SentinelRefusal(String message) {
      super(message, null, false, false);
    }
  }
}
