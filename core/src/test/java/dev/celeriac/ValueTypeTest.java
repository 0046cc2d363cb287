package dev.celeriac;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.celeriac.rules.ValueKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The public kinds are celeriac-rules' kinds: generated stubs name {@code ValueType.Kind} by the rule's name. */
class ValueTypeTest {

  @Test
  void everyKindOfTheRulesHasItsPublicName() {
    for (ValueKind rule : ValueKind.values()) {
      assertEquals(rule, ValueType.Kind.of(rule).rule());
    }
    assertEquals(ValueKind.values().length, ValueType.Kind.values().length);
  }

  @Test
  void typesAreSpelledAsJavaSpellsThem() {
    assertEquals("long", ValueType.LONG.toString());
    assertEquals("Long", ValueType.boxed(ValueType.Kind.LONG).toString());
    assertEquals("Character", ValueType.boxed(ValueType.Kind.CHAR).toString());
    assertEquals("String", ValueType.STRING.toString());
    assertEquals("List<Integer>", ValueType.listOf(ValueType.boxed(ValueType.Kind.INT)).toString());
    assertEquals("Map<String, Object>", ValueType.MAP.toString());
    assertEquals(List.of(), ValueType.STRING.enumConstants());
  }
}
