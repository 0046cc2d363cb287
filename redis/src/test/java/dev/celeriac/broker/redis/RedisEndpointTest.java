package dev.celeriac.broker.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.ConfigurationException;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;

/**
 * Redis URLs read as kombu 5.2 reads them (kombu/transport/redis.py SentinelChannel, kombu/connection.py): the
 * Sentinels are every address's host and port (26379 by default), the user, password and database those of the
 * first address, the master's name the URL's or the configured one.
 */
class RedisEndpointTest {

  @Test
  void aSentinelListIsEveryAddressWithTheFirstOnesLoginAndDatabase() {
    RedisEndpoint endpoint = RedisEndpoint.parse(
        "sentinel://:s3cret@h1:26379/3;sentinel://h2:26380;sentinel://h3?master_name=mymaster", null);

    assertTrue(endpoint.viaSentinel());
    assertEquals("mymaster", endpoint.masterName());
    assertEquals(List.of(new HostAndPort("h1", 26379), new HostAndPort("h2", 26380), new HostAndPort("h3", 26379)),
        List.copyOf(endpoint.sentinels()));
    assertEquals(3, endpoint.database());
    assertEquals("s3cret", endpoint.first().password());
    assertFalse(endpoint.tls());
  }

  @Test
  void kombuTakesTheDatabaseOfTheFirstAddressOnly() {
    // kombu.Connection('sentinel://:pw@h1:26379;sentinel://h2:26380/3').virtual_host is '/': database 0.
    RedisEndpoint endpoint = RedisEndpoint.parse("sentinel://:pw@h1:26379;sentinel://h2:26380/3?master_name=m", null);

    assertEquals(0, endpoint.database());
    assertEquals("pw", endpoint.first().password());
  }

  @Test
  void theMasterNameComesFromTheUrlOnAnyAddressThenFromConfiguration() {
    assertEquals("from-url", RedisEndpoint.parse("sentinel://h1?master_name=from-url;sentinel://h2", "conf")
        .masterName());
    assertEquals("conf", RedisEndpoint.parse("sentinel://h1;sentinel://h2", "conf").masterName());
    assertEquals("same", RedisEndpoint.parse("sentinel://h1?master_name=same;sentinel://h2?master_name=same", null)
        .masterName());
  }

  @Test
  void aSentinelUrlWithoutAMasterNameSaysWhereToPutOne() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> RedisEndpoint.parse("sentinel://:hunter2@h1;sentinel://h2", null));

    assertEquals("sentinel:// URL names no master: sentinel://:***@h1;sentinel://h2; add ?master_name=NAME (the name"
        + " in the Sentinels' 'sentinel monitor' line) or set redis.sentinel.master-name", e.getMessage());
  }

  @Test
  void twoMasterNamesAreAnError() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> RedisEndpoint.parse("sentinel://h1?master_name=a;sentinel://h2?master_name=b", null));

    assertTrue(e.getMessage().startsWith("sentinel:// URL names more than one master [a, b]"), e.getMessage());
  }

  @Test
  void malformedListsAreConfigurationErrorsWithoutThePassword() {
    List<String> bad = List.of(
        "sentinel://:hunter2@h1;;sentinel://h2?master_name=m",
        "sentinel://:hunter2@h1;redis://h2?master_name=m",
        "redis://:hunter2@h1;redis://h2",
        "sentinel://:hunter2@h1:notaport?master_name=m",
        "sentinel://:hunter2@h1/zero?master_name=m",
        "sentinel://:hunter2@h1?master_name=m&ssl_cert_reqs=none");
    for (String url : bad) {
      ConfigurationException e = assertThrows(ConfigurationException.class, () -> RedisEndpoint.parse(url, "m"), url);
      assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }
  }

  @Test
  void aRedisListPointsToSentinel() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> RedisEndpoint.parse("redis://h1;redis://h2", null));

    assertTrue(e.getMessage().contains("to follow a master through failover, list its Sentinels as sentinel://"),
        e.getMessage());
  }

  @Test
  void aSingleServerKeepsItsOwnAddressAndNoMaster() {
    RedisEndpoint endpoint = RedisEndpoint.parse("rediss://u:pw@cache.example:6380/2", "ignored");

    assertFalse(endpoint.viaSentinel());
    assertNull(endpoint.masterName());
    assertEquals(new HostAndPort("cache.example", 6380), endpoint.server());
    assertEquals(2, endpoint.database());
    assertTrue(endpoint.tls());
    assertEquals("rediss://u:***@cache.example:6380/2", endpoint.toString());
    assertEquals(new HostAndPort("127.0.0.1", 6379), RedisEndpoint.parse("redis://", null).server());
  }

  @Test
  void aSemicolonInASingleServersPasswordIsNoList() {
    RedisEndpoint endpoint = RedisEndpoint.parse("redis://:pa;ss@cache.example/1", null);

    assertEquals("pa;ss", endpoint.first().password());
    assertEquals(new HostAndPort("cache.example", 6379), endpoint.server());
    assertEquals(1, endpoint.database());
  }

  @Test
  void toStringMasksEveryPassword() {
    RedisEndpoint endpoint = RedisEndpoint.parse(
        "sentinel://:one@h1:26379/1;sentinel://:two@h2:26379/1?master_name=m", null);

    assertEquals("sentinel://:***@h1:26379/1;sentinel://:***@h2:26379/1?master_name=m", endpoint.toString());
  }
}
