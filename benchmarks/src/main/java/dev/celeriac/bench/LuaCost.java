package dev.celeriac.bench;

import dev.celeriac.Batch;
import dev.celeriac.Celeriac;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * Redis-side cost per message of the Redis broker's Lua scripts, shipped ones and stripped-down variants,
 * on a list of real Celeriac envelopes: the single-threaded Redis server is shared by the producer, the
 * worker and everything else, so its microseconds per message cap the drain rate whatever the worker
 * does. Reports the Redis server's CPU (INFO cpu) and EVALSHA time (INFO commandstats) per message, the
 * minimum of a few rounds (the server is shared; the least disturbed round is the cost).
 *
 * <pre>java -cp benchmarks/target/celeriac-benchmarks.jar dev.celeriac.bench.LuaCost [redis-url] [messages] [rounds]</pre>
 *
 * The URL's database is FLUSHDB'd; database 0 is refused.
 */
public final class LuaCost {

  private static final String SCRIPTS = "/dev/celeriac/broker/redis/";

  private LuaCost() {}

  public static void main(String[] args) throws Exception {
    String url = args.length > 0 ? args[0] : "redis://127.0.0.1:6379/10";
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 40_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    String db = URI.create(url).getPath().replace("/", "");
    if (db.isEmpty() || db.equals("0")) {
      throw new IllegalArgumentException("refusing to FLUSHDB database 0: name a spare database");
    }
    String common = resource("common.lua");
    String fetch = common + "\n" + resource("fetch.lua");
    String ack = common + "\n" + resource("ack.lua");

    Map<String, String> variants = new LinkedHashMap<>();
    variants.put("fetch.lua as shipped", fetch);
    // What dropping the worker's own in-flight hash would save (recovery would then scan `unacked`).
    String withoutOwn = fetch
        .replace("    own[#own + 1] = field\n", "")
        .replace("    own[#own + 1] = KEYS[i] .. '\\n' .. queue .. '\\n' .. raw\n", "")
        .replace("call_in_chunks('HSET', KEYS[3], own)\n", "");
    if (withoutOwn.contains("own[#own") || withoutOwn.contains("KEYS[3], own")) {
      throw new IllegalStateException("fetch.lua changed: update the variant without the own hash");
    }
    variants.put("fetch.lua without the worker's own hash", withoutOwn);
    variants.put("kombu's minimum: RPOP, HSET unacked, ZADD (no own hash)", String.join("\n",
        "local out = {}",
        "local t = redis.call('TIME')",
        "local now = tonumber(t[1]) + tonumber(t[2]) / 1000000",
        "for n = 1, tonumber(ARGV[1]) do",
        "  local envelope = redis.call('RPOP', KEYS[5])",
        "  if not envelope then break end",
        "  local at = string.find(envelope, '\"delivery_tag\":\"', 1, true)",
        "  local tag = string.sub(envelope, at + 16, string.find(envelope, '\"', at + 16, true) - 1)",
        "  redis.call('HSET', KEYS[1], tag, '[' .. envelope .. ', \"\", \"bench\"]')",
        "  redis.call('ZADD', KEYS[2], now, tag)",
        "  out[#out + 1] = 'bench'; out[#out + 1] = tag; out[#out + 1] = envelope",
        "end",
        "return out"));
    variants.put("RPOP only, envelopes returned", String.join("\n",
        "local out = {}",
        "for n = 1, tonumber(ARGV[1]) do",
        "  local envelope = redis.call('RPOP', KEYS[5])",
        "  if not envelope then break end",
        "  out[#out + 1] = 'bench'; out[#out + 1] = 'tag'; out[#out + 1] = envelope",
        "end",
        "return out"));

    try (Celeriac app = Celeriac.connect(url); Jedis redis = new Jedis(URI.create(url))) {
      System.out.printf(Locale.ROOT, "Redis cost per message of the broker's scripts, %,d Celeriac envelopes,"
          + " min of %d rounds (redis %s, shared server: other clients' load can only add)%n", n, rounds,
          info(redis, "server").get("redis_version"));
      System.out.printf("  %-58s %6s %16s %16s%n", "script", "batch", "redis cpu us/msg", "evalsha us/msg");
      for (Map.Entry<String, String> variant : variants.entrySet()) {
        for (int batch : variant.getKey().equals("fetch.lua as shipped") ? new int[] {1000, 8} : new int[] {1000}) {
          List<double[]> costs = new ArrayList<>();
          for (int r = 0; r < rounds; r++) {
            costs.add(fetchAll(app, redis, variant.getValue(), batch, n, null));
          }
          print(variant.getKey(), batch, costs);
        }
      }
      List<double[]> acks = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        List<byte[]> tags = new ArrayList<>();
        fetchAll(app, redis, fetch, 1000, n, tags);
        acks.add(ackAll(redis, ack, tags));
      }
      print("ack.lua (after fetch.lua), tags per call", 1000, acks);
      redis.flushDB();
    }
  }

  private static void print(String name, int batch, List<double[]> costs) {
    double cpu = Collections.min(costs.stream().map(c -> c[0]).toList());
    double evalsha = Collections.min(costs.stream().map(c -> c[1]).toList());
    System.out.printf(Locale.ROOT, "  %-58s %6d %16.2f %16.2f%n", name, batch, cpu, evalsha);
  }

  /** Fills the list, pops it all with {@code script}; returns {redis cpu, evalsha usec} per message. */
  private static double[] fetchAll(Celeriac app, Jedis redis, String script, int batch, int n, List<byte[]> tags) {
    redis.flushDB();
    for (int start = 0; start < n; start += 1000) {
      try (Batch b = app.batch()) {
        for (int i = start; i < Math.min(n, start + 1000); i++) {
          NoopTask.with().in(b).enqueue(i);
        }
      }
    }
    byte[] sha = redis.scriptLoad(script.getBytes(StandardCharsets.UTF_8));
    boolean shipped = script.contains("local first = tonumber(ARGV[3])");
    List<byte[]> keys = new ArrayList<>();
    List<String> keyNames = shipped
        ? List.of("unacked", "unacked_index", "celeriac:in-flight:lua-cost", "bench", "bench\u0006\u00163",
            "bench\u0006\u00166", "bench\u0006\u00169")
        : List.of("unacked", "unacked_index", "celeriac:in-flight:lua-cost", "celeriac:tag-sequence", "bench",
            "bench\u0006\u00163", "bench\u0006\u00166", "bench\u0006\u00169");
    for (String key : keyNames) {
      keys.add(key.getBytes(StandardCharsets.UTF_8));
    }
    List<byte[]> argv = new ArrayList<>();
    argv.add(Integer.toString(batch).getBytes(StandardCharsets.UTF_8));
    if (shipped) {
      // ARGV[2] the worker id, ARGV[3] the number of the first field (set per call below), then the queues.
      argv.add("lua-cost".getBytes(StandardCharsets.UTF_8));
      argv.add(null);
    }
    for (int i = 0; i < 4; i++) {
      argv.add("bench".getBytes(StandardCharsets.UTF_8));
    }
    double cpu0 = cpu(redis);
    long usec0 = evalshaUsec(redis);
    int taken = 0;
    while (taken < n) {
      if (shipped) {
        argv.set(2, Integer.toString(taken).getBytes(StandardCharsets.UTF_8));
      }
      @SuppressWarnings("unchecked")
      List<byte[]> out = (List<byte[]>) redis.evalsha(sha, keys, argv);
      if (out.isEmpty()) {
        break;
      }
      // The shipped script replies (queue, envelope) per message, fields numbered from ARGV[3]; the variants
      // (queue, field, envelope).
      int each = shipped ? 2 : 3;
      for (int i = 0; i < out.size() / each; i++) {
        if (tags != null) {
          tags.add(shipped ? ("lua-cost#" + (taken + i)).getBytes(StandardCharsets.UTF_8) : out.get(i * 3 + 1));
        }
      }
      taken += out.size() / each;
    }
    double cpu = cpu(redis) - cpu0;
    long usec = evalshaUsec(redis) - usec0;
    if (taken != n) {
      throw new IllegalStateException("popped " + taken + " of " + n);
    }
    return new double[] {cpu * 1e6 / n, usec / (double) n};
  }

  private static double[] ackAll(Jedis redis, String script, List<byte[]> tags) {
    byte[] sha = redis.scriptLoad(script.getBytes(StandardCharsets.UTF_8));
    List<byte[]> keys = List.of("unacked".getBytes(StandardCharsets.UTF_8),
        "unacked_index".getBytes(StandardCharsets.UTF_8),
        "celeriac:in-flight:lua-cost".getBytes(StandardCharsets.UTF_8));
    double cpu0 = cpu(redis);
    long usec0 = evalshaUsec(redis);
    for (int start = 0; start < tags.size(); start += 1000) {
      redis.evalsha(sha, keys, tags.subList(start, Math.min(tags.size(), start + 1000)));
    }
    double cpu = cpu(redis) - cpu0;
    long usec = evalshaUsec(redis) - usec0;
    if (redis.hlen("unacked") != 0) {
      throw new IllegalStateException("ack.lua left " + redis.hlen("unacked") + " entries in unacked");
    }
    return new double[] {cpu * 1e6 / tags.size(), usec / (double) tags.size()};
  }

  private static double cpu(Jedis redis) {
    Map<String, String> cpu = info(redis, "cpu");
    return Double.parseDouble(cpu.get("used_cpu_user")) + Double.parseDouble(cpu.get("used_cpu_sys"));
  }

  private static long evalshaUsec(Jedis redis) {
    String stat = info(redis, "commandstats").getOrDefault("cmdstat_evalsha", "usec=0");
    for (String part : stat.split(",")) {
      if (part.startsWith("usec=")) {
        return Long.parseLong(part.substring(5));
      }
    }
    return 0;
  }

  private static Map<String, String> info(Jedis redis, String section) {
    Map<String, String> values = new HashMap<>();
    for (String line : redis.info(section).split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        values.put(line.substring(0, colon), line.substring(colon + 1).strip());
      }
    }
    return values;
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = LuaCost.class.getResourceAsStream(SCRIPTS + name)) {
      if (in == null) {
        throw new IllegalStateException("no " + SCRIPTS + name + " on the class path (celeriac-runtime)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
