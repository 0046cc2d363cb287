package dev.celeriac.it.redis.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.broker.redis.RedisSettings;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * A fetch whose reply never reaches the worker (the connection is lost after Redis ran the fetch script: a
 * Redis restart, a failover, a network cut, a socket timeout) leaves the popped messages recorded in flight
 * under a worker that is alive and does not know it holds them; its own heartbeat keeps them fresh, so no
 * lapse recovery or visibility sweep would ever return them. After a fetch failed on the connection, the
 * worker's next fetch first returns the in-flight entries it does not hold. (The periodic maintenance does
 * too, but only every heartbeat timeout / 3, and it skips the check while a fetch is under way, which on a
 * busy worker on a loaded machine is a third of the time or more.)
 *
 * <p>A TCP proxy between the worker and the shared Redis (database 11) drops the first non-empty fetch
 * reply and cuts the connection; every task must still run, and soon: the heartbeat timeout is long
 * enough that no maintenance runs during the test.
 */
@Tag("redis")
class LostFetchReplyTest {

  private static final String QUEUE = "lostreply";

  @Test
  void messagesOfAFetchWhoseReplyWasLostStillRun() throws Exception {
    AtomicBoolean armed = new AtomicBoolean();
    AtomicBoolean dropped = new AtomicBoolean();
    RobustnessTasks.RESTART_RUNS.clear();
    try (ServerSocket proxy = new ServerSocket(0, 50, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        JedisPooled redis = RobustnessSupport.flushedSharedDb()) {
      Thread acceptor = new Thread(() -> {
        while (!proxy.isClosed()) {
          try {
            Socket client = proxy.accept();
            Socket upstream = new Socket(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}),
                RobustnessSupport.SHARED_PORT);
            pump(client.getInputStream(), upstream.getOutputStream(), client, upstream, null, null);
            pump(upstream.getInputStream(), client.getOutputStream(), client, upstream, armed, dropped);
          } catch (IOException e) {
            return;
          }
        }
      }, "lost-reply-proxy");
      acceptor.setDaemon(true);
      acceptor.start();

      // Maintenance every 20 s, the first 20 s after the worker starts: later than this test waits.
      RedisSettings settings = RedisSettings.defaults().withHeartbeatTimeout(Duration.ofSeconds(60));
      try (Celeriac producer = Celeriac.connect(RobustnessSupport.SHARED_BROKER);
          Celeriac viaProxy = Celeriac.create(CeleriacConfig.builder()
              .brokerUrl("redis://127.0.0.1:" + proxy.getLocalPort() + "/" + RobustnessSupport.SHARED_DB)
              .brokerSettings(settings).build())) {
        Worker worker = viaProxy.worker(WorkerOptions.builder().queues(List.of(QUEUE)).concurrency(1).build()).start();
        try {
          RobustnessSupport.sleep(Duration.ofSeconds(1));
          armed.set(true);
          for (long i = 0; i < 5; i++) {
            RestartRunTask.with().on(producer).queue(QUEUE).enqueue(i);
          }
          RobustnessSupport.await("the proxy to drop a fetch reply", Duration.ofSeconds(10), dropped::get, () -> "");
          // The worker retries a failed fetch after 100 ms; 15 s leave ample room on a loaded machine and stay below
          // the 20 s between two maintain() runs (heartbeat timeout 60 s), which would return the messages too.
          long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
          while (RobustnessTasks.RESTART_RUNS.size() < 5 && System.nanoTime() < deadline) {
            RobustnessSupport.sleep(Duration.ofMillis(50));
          }
          Map<String, Long> inFlight = redis.keys("celeriac:in-flight:*").stream()
              .collect(Collectors.toMap(k -> k, redis::hlen));
          System.out.printf("lost fetch reply: ran %s of 5; unacked %d; in-flight hashes %s%n",
              RobustnessTasks.RESTART_RUNS.keySet(), redis.hlen("unacked"), inFlight);
          assertEquals(5, RobustnessTasks.RESTART_RUNS.size(), "tasks that ran: " + RobustnessTasks.RESTART_RUNS.keySet()
              + "; the rest are in the live worker's in-flight hash " + inFlight);
        } finally {
          assertTrue(worker.stop(Duration.ofSeconds(5)));
        }
      }
    }
  }

  /** Copies bytes one way; the reply direction, when armed, drops the first non-empty array reply (a fetch's). */
  private static void pump(InputStream in, OutputStream out, Socket a, Socket b, AtomicBoolean armed,
      AtomicBoolean dropped) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[65536];
      try (a; b) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          // The worker's only array replies are fetch results; "*0" is an empty fetch.
          if (armed != null && buffer[0] == '*' && buffer[1] != '0' && armed.compareAndSet(true, false)) {
            dropped.set(true);
            return;
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // a side closed
      }
    }, "lost-reply-pump");
    thread.setDaemon(true);
    thread.start();
  }
}
