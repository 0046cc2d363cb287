package dev.celeriac.it.amqp.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.Connection;
import dev.celeriac.Batch;
import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.it.amqp.ItRabbit;
import dev.celeriac.testsupport.Waits;
import dev.celeriac.worker.Outcome;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The worker's connection closed by RabbitMQ three times while tasks run (as an operator's "close connection",
 * a failing load balancer or a network partition would): RabbitMQ returns every unacked message, including
 * those whose tasks were running or had just finished and whose acks the closed connection took along. The
 * worker reconnects, and no task runs twice: a returned message it already settled is acked at once, and one
 * still running is acked when its run ends.
 */
@Tag("rabbitmq")
class AmqpConnectionDropTest {

  private static final String QUEUE = "amqp-drop";
  private static final String VHOST = ItRabbit.ROBUST_VHOST;
  private static final int DROPS = 3;
  private static final int WAVE = 40;
  private static final int TASK_MILLIS = 100;
  /** The first two tasks of each wave outlast the reconnect (amqp-client waits a second before it). */
  private static final int LONG_TASK_MILLIS = 2500;

  @Test
  void tasksRunningOrFinishedWhenTheConnectionDropsDoNotRunAgain() throws Exception {
    long started = System.nanoTime();
    ItRabbit.reset(VHOST);
    AmqpRobustnessTasks.DROP_RUNS.clear();
    CeleriacConfig config = CeleriacConfig.builder().brokerUrl(ItRabbit.url(VHOST)).build();
    List<String> dropped = new ArrayList<>();
    int tasks = DROPS * WAVE;
    try (Celeriac app = Celeriac.create(config); Connection rabbit = ItRabbit.connect(VHOST)) {
      Worker worker = app.worker(WorkerOptions.builder().queues(List.of(QUEUE)).concurrency(4).prefetch(8)
          .build()).start();
      try {
        // The management API lists a new connection only seconds after it opened: each wave of tasks is sent
        // once the connection to drop is known, and the drop comes while the wave runs (4 tasks at a time, 4 more
        // in the window). The closed connection takes the acks of what runs then along: the short tasks end
        // before the reconnect, the two long ones after RabbitMQ has sent their messages again.
        for (int drop = 0; drop < DROPS; drop++) {
          String connection = consumerConnection(dropped);
          try (Batch batch = app.batch()) {
            for (long seq = (long) drop * WAVE; seq < (long) (drop + 1) * WAVE; seq++) {
              AmqpDropRunTask.with().in(batch).enqueue(seq, seq % WAVE < 2 ? LONG_TASK_MILLIS : TASK_MILLIS);
            }
          }
          int target = drop * WAVE + WAVE / 4;
          Waits.await(target + " tasks to run", Duration.ofSeconds(60),
              () -> AmqpRobustnessTasks.DROP_RUNS.size() >= target, () -> state(rabbit, tasks));
          ItRabbit.closeConnection(connection);
          dropped.add(connection);
        }
        Waits.await("every task to run", Duration.ofSeconds(60),
            () -> AmqpRobustnessTasks.DROP_RUNS.size() == tasks && ItRabbit.readyAndConsumers(rabbit, QUEUE)[0] == 0,
            () -> state(rabbit, tasks));
        Waits.sleep(Duration.ofMillis(1500)); // a second run would show within this
      } finally {
        worker.stop();
      }
      assertEquals(tasks, worker.count(Outcome.SUCCEEDED), "the worker ran each task once");
    }
    Map<Long, Integer> twice = new TreeMap<>();
    AmqpRobustnessTasks.DROP_RUNS.forEach((seq, runs) -> {
      if (runs.get() != 1) {
        twice.put(seq, runs.get());
      }
    });
    assertEquals(Map.of(), twice, "tasks that ran more than once");
    assertEquals(tasks, AmqpRobustnessTasks.DROP_RUNS.size());
    try (Connection rabbit = ItRabbit.connect(VHOST)) {
      assertEquals(0, ItRabbit.readyAndConsumers(rabbit, QUEUE)[0], "every ack reached RabbitMQ in the end");
    }
    System.out.printf("amqp connection drop: %d tasks of %d ms (2 a wave of %d ms), -c 4, prefetch 8; the worker's"
        + " connection closed by RabbitMQ %d times while tasks ran; each task ran once; %d ms%n", tasks, TASK_MILLIS,
        LONG_TASK_MILLIS, DROPS, Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  /** The worker's consumer connection, once RabbitMQ's management API lists it; not one already dropped. */
  private static String consumerConnection(List<String> dropped) {
    List<String> names = new ArrayList<>();
    Waits.await("the management API to list the worker's connection", Duration.ofSeconds(30), () -> {
      names.clear();
      names.addAll(ItRabbit.connectionNames(VHOST, "celeriac consumer"));
      names.removeAll(dropped);
      return !names.isEmpty();
    }, () -> "dropped " + dropped);
    assertEquals(1, names.size(), names.toString());
    return names.get(0);
  }

  private static String state(Connection rabbit, int tasks) {
    AtomicInteger runs = new AtomicInteger();
    AmqpRobustnessTasks.DROP_RUNS.values().forEach(count -> runs.addAndGet(count.get()));
    long[] queue = ItRabbit.readyAndConsumers(rabbit, QUEUE);
    return "ran " + AmqpRobustnessTasks.DROP_RUNS.size() + " of " + tasks + " (" + runs + " runs), ready "
        + (queue == null ? "-" : queue[0]) + ", consumers " + (queue == null ? "-" : queue[1]);
  }
}
