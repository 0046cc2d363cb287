package dev.celeriac.bench;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

/**
 * The Java side of bin/bench-latency's producer: {@code burst} warm-up enqueues back to back and a pause for the
 * worker to drain them, then {@code StampTask.enqueue(now, warm)} {@code warmup + n} times {@code gapMillis} apart,
 * as benchapp.py's {@code latency} mode does with {@code stamp.delay}. Prints the median duration of one enqueue
 * call. The burst brings both JVMs, this one and a Celeriac worker's, to the compiled code a service that has
 * been running has: without it, most of the 350 calls and runs are interpreted.
 *
 * <pre>java -cp celeriac-benchmarks.jar dev.celeriac.bench.LatencyProducer BROKER_URL N GAP_MS WARMUP [BURST PAUSE_S]</pre>
 */
public final class LatencyProducer {

  private LatencyProducer() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int n = Integer.parseInt(args[1]);
    double gap = Double.parseDouble(args[2]);
    int warmup = Integer.parseInt(args[3]);
    int burst = args.length > 4 ? Integer.parseInt(args[4]) : 0;
    double pauseSeconds = args.length > 5 ? Double.parseDouble(args[5]) : 0;
    long[] calls = new long[n];
    try (Celeriac app = Celeriac.create(CeleriacConfig.builder().brokerUrl(url).build())) {
      for (int i = 0; i < burst; i++) {
        StampTask.with().on(app).enqueue(ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()) / 1e6, true);
      }
      Thread.sleep((long) (pauseSeconds * 1000));
      for (int i = 0; i < warmup + n; i++) {
        long start = System.nanoTime();
        double sent = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()) / 1e6;
        StampTask.with().on(app).enqueue(sent, i < warmup);
        if (i >= warmup) {
          calls[i - warmup] = System.nanoTime() - start;
        }
        Thread.sleep((long) gap, (int) ((gap % 1) * 1_000_000));
      }
    }
    Arrays.sort(calls);
    System.out.printf("{\"mode\": \"latency\", \"count\": %d, \"call_p50_us\": %d}%n", n, calls[n / 2] / 1000);
  }
}
