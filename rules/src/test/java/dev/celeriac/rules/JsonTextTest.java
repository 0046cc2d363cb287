package dev.celeriac.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The JSON of tasks.json. */
class JsonTextTest {

  @Test
  void readsPlainValuesInFileOrder() throws JsonText.SyntaxException {
    Object value = JsonText.read(" {\"b\": [1, 2.5, -3e2], \"a\": {\"t\": true, \"f\": false, \"n\": null},"
        + " \"s\": \"\\u00e9\\n\\\"\"}\n");
    Map<?, ?> object = (Map<?, ?>) value;
    assertEquals(List.of("b", "a", "s"), List.copyOf(object.keySet()));
    assertEquals(List.of(new BigDecimal("1"), new BigDecimal("2.5"), new BigDecimal("-3e2")), object.get("b"));
    Map<?, ?> inner = (Map<?, ?>) object.get("a");
    assertEquals(Arrays.asList(true, false, null), Arrays.asList(inner.get("t"), inner.get("f"), inner.get("n")));
    assertEquals("é\n\"", object.get("s"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"a\": 1,}               | expected a member name in double quotes at line 1, column 9",
      "{\"a\": 1, \"a\": 2}      | member \"a\" appears twice at line 1, column 10",
      "[1, 2]]                   | unexpected text after the document at line 1, column 7",
      "[01]                      | bad number 01 at line 1, column 2",
      "'{\"a\":\n  tru}'         | expected a value at line 2, column 3",
      "[\"a                      | unterminated string at line 1, column 2"})
  void saysWhereAndWhy(String text, String problem) {
    JsonText.SyntaxException e = assertThrows(JsonText.SyntaxException.class, () -> JsonText.read(text));
    assertEquals(problem, e.getMessage());
  }

  @Test
  void refusesDeepNesting() {
    assertThrows(JsonText.SyntaxException.class, () -> JsonText.read("[".repeat(65) + "]".repeat(65)));
  }

  @Test
  void quotesStringsAndReadsThemBack() throws JsonText.SyntaxException {
    String text = "a \"quoted\" back\\slash\ttab\nline\u0001 é";
    assertEquals("\"a \\\"quoted\\\" back\\\\slash\\ttab\\nline\\u0001 é\"", JsonText.quote(text));
    assertEquals(text, JsonText.read(JsonText.quote(text)));
  }
}
