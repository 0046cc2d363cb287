package dev.celeriac.broker.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/** One of the broker's Lua scripts, run by SHA and loaded again when a restarted Redis lost it. */
final class LuaScript {

  private final String name;
  private final byte[] body;
  private final byte[] sha;

  private LuaScript(String name, byte[] body) {
    this.name = name;
    this.body = body;
    try {
      this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body))
          .getBytes(StandardCharsets.US_ASCII);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Loads {@code <name>.lua} with the shared functions of {@code common.lua} in front. */
  static LuaScript load(String name) {
    String common = resource("common.lua");
    String script = resource(name + ".lua");
    return new LuaScript(name, (common + "\n" + script).getBytes(StandardCharsets.UTF_8));
  }

  Object run(UnifiedJedis redis, List<byte[]> keys, List<byte[]> args) {
    try {
      return redis.evalsha(sha, keys, args);
    } catch (JedisNoScriptException e) {
      return redis.eval(body, keys, args);
    }
  }

  /**
   * Runs the script, then waits for {@code acks}'s replicas on the connection that ran it (a pipeline holds one
   * connection from the pool).
   *
   * @param what the write, for the message of a {@link NotReplicatedException}
   */
  Object run(UnifiedJedis redis, List<byte[]> keys, List<byte[]> args, ReplicaAcks acks, String what) {
    if (!acks.wanted()) {
      return run(redis, keys, args);
    }
    try (Pipeline pipeline = RedisClients.pipeline(redis)) {
      Response<Object> reply = pipeline.evalsha(sha, keys, args);
      pipeline.sync();
      Object result;
      try {
        result = reply.get();
      } catch (JedisNoScriptException e) {
        reply = pipeline.eval(body, keys, args);
        pipeline.sync();
        result = reply.get();
      }
      acks.await(pipeline, what);
      return result;
    }
  }

  @Override
  public String toString() {
    return name + ".lua";
  }

  private static String resource(String file) {
    try (InputStream in = LuaScript.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("missing script " + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
