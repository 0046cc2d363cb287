package dev.celeriac.spring.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The worker on the shared RabbitMQ. */
@Tag("rabbitmq")
class RabbitWorkerTest extends WorkerTestBase {

  @BeforeAll
  static void emptyVhost() {
    TestBrokers.resetVhost();
  }

  @DynamicPropertySource
  static void broker(DynamicPropertyRegistry properties) {
    properties.add("celeriac.broker-url", () -> TestBrokers.RABBIT_URL);
  }
}
