package dev.celeriac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.celeriac.broker.memory.MemoryBroker;
import dev.celeriac.fixtures.AddTask;
import dev.celeriac.fleet.FleetCaptures;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** {@code events.task-sent}: a producer's {@code task-sent} event per enqueue, as Celery's {@code task_send_sent_event}. */
class TaskSentEventsTest {

  @Test
  @SuppressWarnings("try") // the event subscription is a resource only to be open while the body runs
  void aProducerSendsTaskSentWithCelerysFieldsOnlyWhenAskedTo() throws Exception {
    String url = "memory://sent-" + UUID.randomUUID();
    List<String[]> events = new CopyOnWriteArrayList<>();
    try (Celeriac quiet = Celeriac.connect(url);
        Celeriac announcing = Celeriac.create(CeleriacConfig.builder().brokerUrl(url).taskSentEvents(true).build());
        AutoCloseable subscription = ((MemoryBroker) quiet.broker()).subscribeEvents((routingKey, body) ->
            events.add(new String[] {routingKey, new String(body, java.nio.charset.StandardCharsets.UTF_8)}))) {
      AddTask.with().on(quiet).enqueue(1, 2);
      assertEquals(List.of(), events, "off by default, as in Celery");

      TaskRef<Void> sent = AddTask.with().on(announcing).countdown(java.time.Duration.ofMinutes(1)).enqueue(3, 4);
      assertEquals(1, events.size());
      assertEquals("task.sent", events.get(0)[0]);
      JsonNode event = FleetCaptures.json(events.get(0)[1]);
      JsonNode celery = FleetCaptures.capture("amqp/event-task-sent.json").path("body");
      assertEquals(FleetCaptures.names(celery), FleetCaptures.names(event));
      assertEquals(sent.id(), event.path("uuid").asText());
      assertEquals("tests.add", event.path("name").asText());
      assertEquals("math", event.path("queue").asText());
      assertEquals("()", event.path("args").asText());
      assertTrue(event.path("eta").asText().endsWith("+00:00"), event.toString());
      assertTrue(event.path("hostname").asText().startsWith("gen"), event.toString());
    }
  }
}
