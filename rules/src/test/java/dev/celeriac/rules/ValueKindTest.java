package dev.celeriac.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The kinds of values and how they travel. */
class ValueKindTest {

  @Test
  void primitivesAndBoxesAreFoundByName() {
    assertEquals(ValueKind.LONG, ValueKind.ofPrimitiveName("long"));
    assertEquals(ValueKind.CHAR, ValueKind.ofPrimitiveName("char"));
    assertEquals(ValueKind.LONG, ValueKind.ofBoxName("java.lang.Long"));
    assertEquals(ValueKind.INT, ValueKind.ofBoxName("java.lang.Integer"));
    assertEquals(ValueKind.STRING, ValueKind.ofBoxName("java.lang.String"));
    assertNull(ValueKind.ofPrimitiveName("String"));
    assertNull(ValueKind.ofBoxName("Long"));
    assertNull(ValueKind.ofBoxName("java.util.List"));
  }

  @Test
  void eightKindsHaveAPrimitiveForm() throws ReflectiveOperationException {
    Set<ValueKind> primitive = EnumSet.noneOf(ValueKind.class);
    for (ValueKind kind : ValueKind.values()) {
      if (kind.hasPrimitive()) {
        primitive.add(kind);
        assertTrue(kind.primitive().isPrimitive());
        assertEquals(kind.primitive(), primitiveOf(kind.box()));
      }
    }
    assertEquals(8, primitive.size());
    assertFalse(ValueKind.STRING.hasPrimitive());
    assertNull(ValueKind.ENUM.box());
  }

  private static Class<?> primitiveOf(Class<?> box) throws ReflectiveOperationException {
    return (Class<?>) box.getField("TYPE").get(null);
  }

  @Test
  void charsEnumsAndStringsTravelAsStrings() {
    assertEquals(EnumSet.of(ValueKind.STRING, ValueKind.CHAR, ValueKind.ENUM),
        EnumSet.copyOf(Arrays.stream(ValueKind.values()).filter(ValueKind::travelsAsString).toList()));
  }

  @Test
  void onlyLosslessChangesWiden() {
    assertTrue(ValueKind.LONG.widens(ValueKind.INT));
    assertTrue(ValueKind.DOUBLE.widens(ValueKind.INT));
    assertTrue(ValueKind.DOUBLE.widens(ValueKind.FLOAT));
    assertTrue(ValueKind.FLOAT.widens(ValueKind.SHORT));
    assertTrue(ValueKind.STRING.widens(ValueKind.ENUM));
    assertTrue(ValueKind.STRING.widens(ValueKind.CHAR));
    // An int above 2^24 has no exact float; a long none in double above 2^53.
    assertFalse(ValueKind.FLOAT.widens(ValueKind.INT));
    assertFalse(ValueKind.DOUBLE.widens(ValueKind.LONG));
    assertFalse(ValueKind.INT.widens(ValueKind.LONG));
    assertFalse(ValueKind.INT.widens(ValueKind.INT));
    assertFalse(ValueKind.ENUM.widens(ValueKind.STRING));
    assertFalse(ValueKind.LIST.widens(ValueKind.STRING));
  }
}
