package dev.celeriac.bench;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

/**
 * The Java side of bin/bench-latency's producer: {@code StampTask.enqueue(now, warm)} {@code warmup + n} times
 * {@code gapMillis} apart, as benchapp.py's {@code latency} mode does with {@code stamp.delay}. Prints the median
 * duration of one enqueue call.
 *
 * <pre>java -cp celeriac-benchmarks.jar dev.celeriac.bench.LatencyProducer BROKER_URL N GAP_MS WARMUP</pre>
 */
public final class LatencyProducer {

  private LatencyProducer() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int n = Integer.parseInt(args[1]);
    double gap = Double.parseDouble(args[2]);
    int warmup = Integer.parseInt(args[3]);
    long[] calls = new long[n];
    try (Celeriac app = Celeriac.create(CeleriacConfig.builder().brokerUrl(url).build())) {
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
