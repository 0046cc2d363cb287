package dev.celeriac.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.PackageVersion;
import dev.celeriac.Batch;
import dev.celeriac.Celeriac;
import dev.celeriac.TaskRegistry;
import dev.celeriac.broker.Delivery;
import dev.celeriac.protocol.Json;
import dev.celeriac.protocol.KombuEnvelope;
import dev.celeriac.protocol.MessageCodec;
import dev.celeriac.protocol.TaskMessage;
import dev.celeriac.protocol.TaskPayload;
import dev.celeriac.worker.ArgumentBinder;
import dev.celeriac.worker.TaskExecutor;
import dev.celeriac.worker.WorkerListener;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Per-message CPU cost of the client and worker code paths, without Redis: where the time of an enqueue
 * and of a drained message goes. A plain timed loop (warm-up rounds, then the median of measured rounds)
 * in one thread; numbers are nanoseconds per message. Not JMH: good to a few percent on a quiet machine,
 * enough to rank the steps.
 *
 * <pre>java -cp benchmarks/target/celeriac-benchmarks.jar dev.celeriac.bench.CodecBench [ops-per-round] [rounds]</pre>
 */
public final class CodecBench {

  /** Defeats dead-code elimination. */
  private static volatile Object sink;

  private CodecBench() {}

  private interface Op {
    Object run(int i) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int ops = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    Celeriac app = Celeriac.connect("memory://codec-bench");
    TaskRegistry registry = app.registry();
    TaskMessage message = sampleMessage();
    byte[] envelope = KombuEnvelope.encode(message, "bench", UUID.randomUUID().toString());
    TaskMessage decoded = KombuEnvelope.decode(envelope).message();
    TaskPayload payload = MessageCodec.decodeBody(decoded);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "codec-bench-timer");
      thread.setDaemon(true);
      return thread;
    });
    TaskExecutor executor = new TaskExecutor(registry, Clock.systemUTC(), new WorkerListener() {}, timer, () -> false);

    System.out.printf("Celeriac per-message CPU, one thread, %,d ops x %d rounds (median ns/op); envelope %d bytes%n",
        ops, rounds, envelope.length);
    System.out.println("enqueue side:");
    Batch[] batch = {app.batch()};
    bench("stub enqueue into a Batch (newMessage + sizeOf)", ops, rounds, i -> {
      if (batch[0].size() >= 1000) {
        batch[0] = app.batch();   // dropped unsent: this measures the API up to the broker
      }
      return NoopTask.with().in(batch[0]).enqueue(i);
    });
    bench("  MessageCodec.newMessage", ops, rounds, i -> MessageCodec.newMessage(new MessageCodec.NewMessage(
        "bench.noop", UUID.randomUUID().toString(), List.of(), Map.of("i", i), null, null, null, null, null, null,
        null)));
    bench("  MessageCodec.sizeOf", ops, rounds, i -> MessageCodec.sizeOf(message));
    bench("  UUID.randomUUID", ops, rounds, i -> UUID.randomUUID());
    bench("KombuEnvelope.encode (in publishAll)", ops, rounds,
        i -> KombuEnvelope.encode(message, "bench", UUID.randomUUID().toString()));
    System.out.println("worker side:");
    bench("KombuEnvelope.decode", ops, rounds, i -> KombuEnvelope.decode(envelope));
    bench("MessageCodec.decodeBody", ops, rounds, i -> MessageCodec.decodeBody(decoded));
    bench("ArgumentBinder.bind", ops, rounds, i -> ArgumentBinder.bind(NoopTask.DEFINITION, payload));
    bench("TaskExecutor.execute (decode+bind+run+ack)", ops, rounds,
        i -> executor.execute(new BenchDelivery(envelope)));
    jsonBaseline(envelope, decoded.body(), ops, rounds);
    timer.shutdownNow();
    app.close();
  }

  /**
   * The runtime's hand-written JSON (dev.celeriac.protocol.Json) beside Jackson's databind on the same bytes:
   * the whole envelope and the body read into maps and lists, and the envelope's tree written back. Warm costs
   * only; what the hand-written reader also saves, the JIT time Jackson's large methods cost a fresh worker, is
   * in the drain figures above.
   */
  private static void jsonBaseline(byte[] envelope, byte[] body, int ops, int rounds) throws Exception {
    ObjectMapper jackson = new ObjectMapper();
    Object ownTree = Json.read(envelope);
    Object jacksonTree = jackson.readValue(envelope, Object.class);
    System.out.printf("JSON, hand-written (protocol.Json) vs Jackson %s databind; envelope %d bytes, body %d:%n",
        PackageVersion.VERSION, envelope.length, body.length);
    bench("Json.read(envelope)", ops, rounds, i -> Json.read(envelope));
    bench("  Jackson readValue(envelope, Object.class)", ops, rounds, i -> jackson.readValue(envelope, Object.class));
    bench("Json.read(body)", ops, rounds, i -> Json.read(body));
    bench("  Jackson readValue(body, Object.class)", ops, rounds, i -> jackson.readValue(body, Object.class));
    bench("Json.write(envelope tree)", ops, rounds, i -> Json.write(ownTree));
    bench("  Jackson writeValueAsBytes(envelope tree)", ops, rounds, i -> jackson.writeValueAsBytes(jacksonTree));
  }

  /** The message the stub builds for {@code NoopTask.enqueue(42)}. */
  private static TaskMessage sampleMessage() {
    return MessageCodec.newMessage(new MessageCodec.NewMessage("bench.noop", UUID.randomUUID().toString(),
        List.of(), Map.of("i", 42), null, null, null, null, null, null, null));
  }

  private static void bench(String name, int ops, int rounds, Op op) throws Exception {
    for (int warm = 0; warm < 3; warm++) {
      round(ops, op);
    }
    List<Double> perOp = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      perOp.add(round(ops, op) / (double) ops);
    }
    Collections.sort(perOp);
    System.out.printf(Locale.ROOT, "  %-48s %,9.0f ns/op  (min %,.0f, max %,.0f)%n", name,
        perOp.get(perOp.size() / 2), perOp.get(0), perOp.get(perOp.size() - 1));
  }

  private static long round(int ops, Op op) throws Exception {
    long started = System.nanoTime();
    Object last = null;
    for (int i = 0; i < ops; i++) {
      last = op.run(i);
    }
    long elapsed = System.nanoTime() - started;
    sink = last;
    return elapsed;
  }

  /** A delivery whose settlement is free: isolates the worker's CPU from Redis. */
  private static final class BenchDelivery implements Delivery {
    private final byte[] envelope;
    private TaskMessage message;

    BenchDelivery(byte[] envelope) {
      this.envelope = envelope;
    }

    @Override
    public String queue() {
      return "bench";
    }

    @Override
    public byte[] raw() {
      return envelope.clone();
    }

    @Override
    public TaskMessage message() {
      if (message == null) {
        message = KombuEnvelope.decode(envelope).message();
      }
      return message;
    }

    @Override
    public void ack() {}

    @Override
    public void retry(TaskMessage next) {
      throw new IllegalStateException("no-op task retried");
    }

    @Override
    public void defer(Instant eta) {
      throw new IllegalStateException("no-op task deferred");
    }

    @Override
    public void deadLetter(String reason) {
      throw new IllegalStateException("dead-lettered: " + reason);
    }

    @Override
    public void requeue() {
      throw new IllegalStateException("requeued");
    }
  }
}
