package dev.celeriac.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** tasks.json: the stable layout the golden files pin, read back to the same tasks. */
class TasksJsonTest {

  private static final TasksJson.Task CHARGE = new TasksJson.Task("acme.charge", false, "com.acme.Billing#charge",
      true, "billing", 3, 10, true, List.of("java.io.IOException"), List.of(), 60, 0,
      Optional.of(new TasksJson.Schedule("@daily", "UTC")),
      List.of(new TasksJson.Parameter("customer_id", "customerId", "long", Optional.empty(), true, Optional.empty()),
          new TasksJson.Parameter("colors", "colors", "java.util.List<com.acme.Color>",
              Optional.of(List.of("RED", "GREEN")), false, Optional.of("[\"RED\"]"))),
      "extras", "java.lang.Long", false, true);

  private static final TasksJson.Task AUDIT = new TasksJson.Task("acme.audit", true, "com.acme.Audit#run", false,
      "celery", 0, 0, false, List.of(), List.of(), 0, 0, Optional.empty(), List.of(), "extras", "void", true,
      false);

  @Test
  void writesSortedByNameAndReadsBack() throws TasksJson.FormatException {
    String text = TasksJson.write(List.of(CHARGE, AUDIT));
    assertEquals(""
        + "{\n"
        + "  \"version\": 1,\n"
        + "  \"tasks\": [\n"
        + "    {\n"
        + "      \"name\": \"acme.audit\",\n"
        + "      \"retired\": true,\n"
        + "      \"method\": \"com.acme.Audit#run\",\n"
        + "      \"implemented\": false,\n"
        + "      \"queue\": \"celery\",\n"
        + "      \"maxRetries\": 0,\n"
        + "      \"defaultRetryDelaySeconds\": 0,\n"
        + "      \"retryBackoff\": false,\n"
        + "      \"retryOn\": [],\n"
        + "      \"dontRetryOn\": [],\n"
        + "      \"timeLimitSeconds\": 0,\n"
        + "      \"expiresSeconds\": 0,\n"
        + "      \"result\": \"void\",\n"
        + "      \"ignoreResult\": true,\n"
        + "      \"trackStarted\": false,\n"
        + "      \"schedule\": null,\n"
        + "      \"parameters\": [],\n"
        + "      \"extras\": \"extras\"\n"
        + "    },\n"
        + "    {\n"
        + "      \"name\": \"acme.charge\",\n"
        + "      \"method\": \"com.acme.Billing#charge\",\n"
        + "      \"implemented\": true,\n"
        + "      \"queue\": \"billing\",\n"
        + "      \"maxRetries\": 3,\n"
        + "      \"defaultRetryDelaySeconds\": 10,\n"
        + "      \"retryBackoff\": true,\n"
        + "      \"retryOn\": [\"java.io.IOException\"],\n"
        + "      \"dontRetryOn\": [],\n"
        + "      \"timeLimitSeconds\": 60,\n"
        + "      \"expiresSeconds\": 0,\n"
        + "      \"result\": \"java.lang.Long\",\n"
        + "      \"ignoreResult\": false,\n"
        + "      \"trackStarted\": true,\n"
        + "      \"schedule\": {\"cron\": \"@daily\", \"zone\": \"UTC\"},\n"
        + "      \"parameters\": [\n"
        + "        {\"keyword\": \"customer_id\", \"name\": \"customerId\", \"type\": \"long\", \"required\": true,"
        + " \"default\": null},\n"
        + "        {\"keyword\": \"colors\", \"name\": \"colors\", \"type\": \"java.util.List<com.acme.Color>\","
        + " \"required\": false, \"default\": \"[\\\"RED\\\"]\", \"enumConstants\": [\"RED\", \"GREEN\"]}\n"
        + "      ],\n"
        + "      \"extras\": \"extras\"\n"
        + "    }\n"
        + "  ]\n"
        + "}\n", text);
    assertEquals(List.of(AUDIT, CHARGE), TasksJson.read(text));
    assertEquals("{\n  \"version\": 1,\n  \"tasks\": []\n}\n", TasksJson.write(List.of()));
  }

  @Test
  void aFileOfAnEarlierReleaseWithoutResultsReads() throws TasksJson.FormatException {
    String text = TasksJson.write(List.of(AUDIT)).replace("      \"result\": \"void\",\n", "")
        .replace("      \"ignoreResult\": true,\n", "");
    TasksJson.Task read = TasksJson.read(text).get(0);
    assertEquals("void", read.result());
    assertEquals(false, read.ignoreResult());
  }

  @Test
  void saysWhatIsWrongAndWhere() {
    String text = TasksJson.write(List.of(CHARGE));
    assertEquals("tasks[0] (\"acme.charge\"): \"maxRetries\" is not an int", assertThrows(
        TasksJson.FormatException.class, () -> TasksJson.read(text.replace("\"maxRetries\": 3", "\"maxRetries\": 3.5")))
        .getMessage());
    assertEquals("tasks[0] (\"acme.charge\").parameters[1]: keyword \"customer_id\" is listed twice", assertThrows(
        TasksJson.FormatException.class, () -> TasksJson.read(text.replace("\"keyword\": \"colors\"",
            "\"keyword\": \"customer_id\""))).getMessage());
    assertEquals("task \"acme.charge\" is listed twice", assertThrows(TasksJson.FormatException.class,
        () -> TasksJson.read(TasksJson.write(List.of(CHARGE, CHARGE)))).getMessage());
  }
}
