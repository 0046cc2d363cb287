package dev.celeriac.rules;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Task names, queue names and keywords. */
class NamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"sentry.tasks.store.save_event", "_private", "a:b-c", "x"})
  void taskNames(String name) {
    assertTrue(Names.isTaskName(name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "save event", "1task", ".task", "-task", "täsk", "a/b"})
  void notTaskNames(String name) {
    assertFalse(Names.isTaskName(name));
  }

  @Test
  void aTaskNameHasAtMostTwoHundredCharacters() {
    assertTrue(Names.isTaskName("a".repeat(Names.MAX_TASK_NAME_LENGTH)));
    assertFalse(Names.isTaskName("a".repeat(Names.MAX_TASK_NAME_LENGTH + 1)));
  }

  @Test
  void queueNames() {
    assertTrue(Names.isQueueName("celery"));
    assertTrue(Names.isQueueName("events.high-priority"));
    assertFalse(Names.isQueueName(""));
    assertFalse(Names.isQueueName("  "));
    assertFalse(Names.isQueueName("two words"));
    assertFalse(Names.isQueueName("tab\there"));
  }

  @Test
  void keywords() {
    assertTrue(Names.isKeyword("project_id"));
    assertTrue(Names.isKeyword("_x9"));
    assertFalse(Names.isKeyword("9x"));
    assertFalse(Names.isKeyword("project-id"));
    assertFalse(Names.isKeyword(""));
  }

  @Test
  void pythonReservedWordsButNotSoftKeywords() {
    assertTrue(Names.isPythonKeyword("from"));
    assertTrue(Names.isPythonKeyword("None"));
    assertTrue(Names.isPythonKeyword("async"));
    assertFalse(Names.isPythonKeyword("match"));
    assertFalse(Names.isPythonKeyword("type"));
    assertFalse(Names.isPythonKeyword("_"));
    assertFalse(Names.isPythonKeyword("none"));
  }
}
