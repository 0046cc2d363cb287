package dev.celeriac.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.MutableClock;
import dev.celeriac.broker.Delivery;
import dev.celeriac.broker.MessagePublisher;
import dev.celeriac.broker.amqp.TestRabbit;
import dev.celeriac.broker.redis.TestRedis;
import dev.celeriac.fixtures.TestIndex;
import dev.celeriac.metrics.prometheus.PrometheusEndpoint;
import dev.celeriac.protocol.Ids;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The per-slot lock of {@code run cron} on each broker: several cron instances, each with its own app and
 * broker connections as separate processes would have, tick at the same moment on a test clock that steps
 * through the schedule of {@code tests.tick} (every minute). Every slot is published exactly once, also after
 * the process that fired the last one stops; after downtime only the latest missed slot fires; a first cron
 * does not fire slots from before it started.
 */
@Tag("redis")
@Tag("rabbitmq")
class CronSlotsTest {

  private static final String QUEUE = TestIndex.TICK.queue();
  private static final Instant START = Instant.parse("2026-11-24T12:00:30Z");
  private static final int CRONS = 3;

  private static String broker(String kind) {
    switch (kind) {
      case "memory":
        return "memory://cron-" + Ids.uuid();
      case "redis":
        TestRedis.flush();
        return TestRedis.URL;
      case "amqp":
        TestRabbit.reset();
        return TestRabbit.URL;
      default:
        throw new IllegalArgumentException(kind);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis", "amqp"})
  void everySlotIsPublishedOnceByOneOfSeveralCrons(String kind) throws Exception {
    String url = broker(kind);
    MutableClock clock = new MutableClock(START);
    List<Celeriac> apps = new ArrayList<>(apps(url, clock, CRONS));
    ExecutorService threads = Executors.newFixedThreadPool(CRONS);
    try {
      List<Cron> crons = new ArrayList<>(apps.stream().map(Celeriac::cron).toList());
      List<Integer> firedPerSlot = new ArrayList<>();
      for (int minute = 0; minute <= 10; minute++) {
        if (minute == 6) {
          // The process that fired the last slot stops; the others carry on alone. (A process dying while it holds a
          // schedule's lock is AmqpCronLockTest's.)
          int last = lastFirer;
          apps.remove(last).close();
          crons.remove(last);
        }
        clock.set(START.plus(Duration.ofMinutes(minute)));
        firedPerSlot.add(tickTogether(threads, crons));
      }
      // 12:00 is within the grace of the first start; then one per minute through 12:10.
      assertEquals(List.of(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), firedPerSlot);
      assertEquals(11, drain(apps.get(0)));
    } finally {
      threads.shutdownNow();
      apps.forEach(Celeriac::close);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis", "amqp"})
  void afterDowntimeOnlyTheLatestMissedSlotFiresOnce(String kind) throws Exception {
    String url = broker(kind);
    MutableClock clock = new MutableClock(START);
    List<Celeriac> before = apps(url, clock, CRONS);
    ExecutorService threads = Executors.newFixedThreadPool(CRONS);
    try {
      List<Cron> crons = before.stream().map(Celeriac::cron).toList();
      for (int minute = 0; minute <= 2; minute++) {
        clock.set(START.plus(Duration.ofMinutes(minute)));
        tickTogether(threads, crons);
      }
      assertEquals(3, drain(before.get(0)));
      before.forEach(Celeriac::close);

      // Every cron process was down from 12:02:30 to 12:07:30: five slots passed unfired.
      clock.set(Instant.parse("2026-11-24T12:07:30Z"));
      List<Celeriac> after = apps(url, clock, CRONS);
      try {
        List<Cron> restarted = after.stream().map(Celeriac::cron).toList();
        assertEquals(1, tickTogether(threads, restarted), "the latest missed slot, 12:07, once");
        assertEquals(0, tickTogether(threads, restarted), "nothing more within the same minute");
        clock.set(Instant.parse("2026-11-24T12:08:00Z"));
        assertEquals(1, tickTogether(threads, restarted));
        assertEquals(2, drain(after.get(0)));
      } finally {
        after.forEach(Celeriac::close);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis", "amqp"})
  void aFirstCronDoesNotFireSlotsFromBeforeItStarted(String kind) throws Exception {
    String url = broker(kind);
    MutableClock clock = new MutableClock(Instant.parse("2026-11-24T12:05:30Z"));
    try (Celeriac app = app(url, clock)) {
      Cron cron = new Cron(app.broker(), List.of(hourly()), clock, task -> new MessagePublisher.Outgoing(
          QUEUE, dev.celeriac.protocol.MessageCodec.newMessage(new dev.celeriac.protocol.MessageCodec.NewMessage(
              task.name(), Ids.uuid(), List.of(), java.util.Map.of(), null, null, null, null, null, null,
              Duration.ZERO))));
      assertEquals(0, cron.tick(), "12:00 was due before this cron started, less the grace of a minute");
      clock.set(Instant.parse("2026-11-24T13:00:10Z"));
      assertEquals(1, cron.tick());
      assertEquals(0, cron.tick());
      assertEquals(1, drain(app));
    }
  }

  /**
   * {@code celeriac_cron_fired_total} and {@code celeriac_cron_skipped_total}, per task, as each cron process's
   * metrics endpoint serves them: a slot counts as fired where it was published and as skipped where it was
   * offered after that; a slot not yet due again is not offered, so not counted.
   */
  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis", "amqp"})
  void firedAndSkippedSlotsAreCountedPerTaskOnEachCronsEndpoint(String kind) throws Exception {
    String url = broker(kind);
    MutableClock clock = new MutableClock(START);
    List<dev.celeriac.TaskDefinition> tasks = List.of(TestIndex.TICK, hourly());
    try (Celeriac appA = app(url, clock); Celeriac appB = app(url, clock);
        PrometheusEndpoint endpointA = PrometheusEndpoint.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        PrometheusEndpoint endpointB = PrometheusEndpoint.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      Cron a = cron(appA, clock, tasks).recordTo(endpointA.registry());
      Cron b = cron(appB, clock, tasks).recordTo(endpointB.registry());

      assertEquals(2, a.tick(), "12:00 of both schedules");
      assertEquals(0, b.tick());
      clock.set(START.plus(Duration.ofMinutes(1)));
      assertEquals(1, b.tick(), "12:01 of tests.tick; tests.hourly has no new slot");
      assertEquals(0, a.tick());

      assertEquals(Map.of(
          "celeriac_cron_fired_total{task=\"tests.tick\"}", 1.0,
          "celeriac_cron_fired_total{task=\"tests.hourly\"}", 1.0,
          "celeriac_cron_skipped_total{task=\"tests.tick\"}", 1.0), cronCounters(endpointA));
      assertEquals(Map.of(
          "celeriac_cron_fired_total{task=\"tests.tick\"}", 1.0,
          "celeriac_cron_skipped_total{task=\"tests.tick\"}", 1.0,
          "celeriac_cron_skipped_total{task=\"tests.hourly\"}", 1.0), cronCounters(endpointB));
      assertEquals(3, drain(appA));
    }
  }

  /** The cron counters of a scrape of {@code endpoint}, by name and labels. */
  private static Map<String, Double> cronCounters(PrometheusEndpoint endpoint) throws Exception {
    HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + endpoint.port() + PrometheusEndpoint.PATH)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, scrape.statusCode());
    Map<String, Double> counters = new TreeMap<>();
    scrape.body().lines().filter(line -> line.startsWith("celeriac_cron_")).forEach(line -> {
      int space = line.lastIndexOf(' ');
      counters.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    });
    return counters;
  }

  private static Cron cron(Celeriac app, Clock clock, List<dev.celeriac.TaskDefinition> tasks) {
    return new Cron(app.broker(), tasks, clock, task -> new MessagePublisher.Outgoing(QUEUE,
        dev.celeriac.protocol.MessageCodec.newMessage(new dev.celeriac.protocol.MessageCodec.NewMessage(task.name(),
            Ids.uuid(), List.of(), Map.of(), null, null, null, null, null, null, Duration.ZERO))));
  }

  private static dev.celeriac.TaskDefinition hourly() {
    return dev.celeriac.TaskDefinition.builder("tests.hourly").queue(QUEUE).origin("tests#hourly")
        .schedule("0 * * * *", "UTC").invoker(arguments -> {}).build();
  }

  /** The index, in the list last ticked, of the cron that published in that tick. */
  private static volatile int lastFirer = -1;

  /** Ticks every cron at once, each on its own thread; returns how many slots they published together. */
  private static int tickTogether(ExecutorService threads, List<Cron> crons) throws Exception {
    CyclicBarrier start = new CyclicBarrier(crons.size());
    List<Future<Integer>> fired = new ArrayList<>();
    for (Cron cron : crons) {
      Callable<Integer> tick = () -> {
        start.await(10, TimeUnit.SECONDS);
        return cron.tick();
      };
      fired.add(threads.submit(tick));
    }
    int total = 0;
    for (int i = 0; i < fired.size(); i++) {
      int published = fired.get(i).get(30, TimeUnit.SECONDS);
      if (published > 0) {
        lastFirer = i;
      }
      total += published;
    }
    return total;
  }

  /** Takes every message off the cron queue; returns how many there were. */
  private static int drain(Celeriac app) throws InterruptedException {
    int count = 0;
    while (true) {
      List<Delivery> batch = app.broker().fetch(List.of(QUEUE), 100, Duration.ofMillis(500));
      if (batch.isEmpty()) {
        return count;
      }
      for (Delivery delivery : batch) {
        assertTrue(delivery.message().task().startsWith("tests."), delivery.message().task());
        delivery.ack();
        count++;
      }
    }
  }

  private static List<Celeriac> apps(String url, Clock clock, int count) {
    List<Celeriac> apps = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      apps.add(app(url, clock));
    }
    return apps;
  }

  private static Celeriac app(String url, Clock clock) {
    return Celeriac.create(CeleriacConfig.builder().brokerUrl(url).clock(clock).build());
  }
}
