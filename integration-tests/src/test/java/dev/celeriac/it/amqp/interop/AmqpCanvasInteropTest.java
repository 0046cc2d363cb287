package dev.celeriac.it.amqp.interop;

import dev.celeriac.it.amqp.ItRabbit;
import dev.celeriac.it.interop.CanvasInteropScenarios;
import org.junit.jupiter.api.BeforeAll;

/** {@link CanvasInteropScenarios} on a RabbitMQ broker (the tests' own vhost), results on Redis. */
class AmqpCanvasInteropTest extends CanvasInteropScenarios {

  @BeforeAll
  static void start() {
    ItRabbit.reset();
    startWorkers(ItRabbit.URL, "amqp");
  }
}
