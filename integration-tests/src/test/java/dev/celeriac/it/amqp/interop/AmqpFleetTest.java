package dev.celeriac.it.amqp.interop;

import dev.celeriac.it.amqp.ItRabbit;
import dev.celeriac.it.interop.FleetScenarios;
import dev.celeriac.it.interop.PythonCelery;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * {@link FleetScenarios} on RabbitMQ, vhost {@code celeriac-it}: the {@code celeryev} topic exchange, the
 * {@code celery.pidbox} fanout and its reply exchange, and the revoke stream.
 */
@Tag("rabbitmq")
class AmqpFleetTest extends FleetScenarios {

  @BeforeAll
  static void requireRabbitAndPythonCelery() {
    ItRabbit.reset();
    new PythonCelery(ItRabbit.URL, Map.of()).require("amqp");
  }

  @Override
  protected String brokerUrl() {
    return ItRabbit.URL;
  }

  @Override
  protected void resetBroker() {
    ItRabbit.reset();
  }
}
