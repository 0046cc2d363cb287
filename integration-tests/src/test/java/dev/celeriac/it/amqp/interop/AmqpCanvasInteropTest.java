package dev.celeriac.it.amqp.interop;

import dev.celeriac.it.amqp.ItRabbit;
import dev.celeriac.it.interop.CanvasInteropScenarios;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** {@link CanvasInteropScenarios} on a RabbitMQ broker (the tests' own vhost), results on Redis. */
@Tag("rabbitmq")
class AmqpCanvasInteropTest extends CanvasInteropScenarios {

  @BeforeAll
  static void start() {
    ItRabbit.reset();
    startWorkers(ItRabbit.URL, "amqp");
  }
}
