package dev.celeriac.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The configuration metadata the jar carries, from which IDEs complete and document the properties: every
 * {@code celeriac.*} property and the health indicator's switch, with its type, a description, and its default where
 * it has one.
 */
class ConfigurationMetadataTest {

  @Test
  void everyPropertyIsDescribedWithItsTypeAndDefault() throws IOException {
    Map<String, JsonNode> properties = new HashMap<>();
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertNotNull(in, "no META-INF/spring-configuration-metadata.json: is the configuration processor on?");
      new ObjectMapper().readTree(in).path("properties")
          .forEach(property -> properties.put(property.path("name").asText(), property));
    }
    Map<String, String> types = Map.ofEntries(
        Map.entry("celeriac.broker-url", "java.lang.String"),
        Map.entry("celeriac.result-backend", "java.lang.String"),
        Map.entry("celeriac.eager", "java.lang.Boolean"),
        Map.entry("celeriac.worker.enabled", "java.lang.Boolean"),
        Map.entry("celeriac.worker.queues", "java.util.List<java.lang.String>"),
        Map.entry("celeriac.worker.concurrency", "java.lang.Integer"),
        Map.entry("celeriac.worker.prefetch", "java.lang.Integer"),
        Map.entry("celeriac.worker.hostname", "java.lang.String"),
        Map.entry("celeriac.worker.shutdown-timeout", "java.time.Duration"),
        Map.entry("celeriac.cron.enabled", "java.lang.Boolean"),
        // Hand-written in additional-spring-configuration-metadata.json, which the processor merges in.
        Map.entry("management.health.celeriac.enabled", "java.lang.Boolean"));
    assertEquals(types.keySet(), properties.keySet());
    types.forEach((name, type) -> {
      assertEquals(type, properties.get(name).path("type").asText(), name);
      assertFalse(properties.get(name).path("description").asText().isBlank(), name + " has no description");
    });
    for (String off : new String[] {"celeriac.eager", "celeriac.worker.enabled", "celeriac.cron.enabled"}) {
      assertEquals(false, properties.get(off).path("defaultValue").asBoolean(true), off);
    }
    assertEquals(true, properties.get("management.health.celeriac.enabled").path("defaultValue").asBoolean(false));
  }
}
