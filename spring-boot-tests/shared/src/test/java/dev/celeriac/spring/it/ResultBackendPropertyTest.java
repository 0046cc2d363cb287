package dev.celeriac.spring.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.result.ResultMeta;
import dev.celeriac.result.TaskState;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/** {@code celeriac.result-backend} opens the Redis result backend the app stores and reads results in. */
@SpringBootTest(classes = TestApplication.class, properties = {
    "celeriac.broker-url=memory://",
    "celeriac.result-backend=redis://127.0.0.1:${CELERIAC_TEST_REDIS_PORT:6379}/${celeriac.test.spring.database:8}"})
@Tag("redis")
@DirtiesContext
class ResultBackendPropertyTest {

  @Autowired
  Celeriac app;

  @Test
  void theAppStoresAndReadsResultsInTheConfiguredBackend() {
    String port = System.getenv().getOrDefault("CELERIAC_TEST_REDIS_PORT", "6379");
    var backend = app.resultBackend().orElseThrow();
    assertTrue(backend.displayUrl().contains(":" + port), backend.displayUrl());
    String id = java.util.UUID.randomUUID().toString();
    backend.store(ResultMeta.success(id, 7, java.time.LocalDateTime.now(java.time.ZoneOffset.UTC), null), null);
    assertEquals(7, app.result(id).get(Duration.ofSeconds(5)));
    assertEquals(TaskState.SUCCESS, app.result(id).state());
    app.result(id).forget();
  }
}
