package dev.celeriac.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link TaskMessage#headers(Set)}: a few headers of a received message, the same before and after the full map. */
class TaskMessageHeadersTest {

  @Test
  void namedHeadersAreReadWithoutTheFullMapAndAgreeWithIt() {
    TaskMessage sent = MessageCodec.newMessage(new MessageCodec.NewMessage("tests.add", "id-1", List.of(1, "two"),
        Map.of("k", List.of(true)), Instant.parse("2026-12-04T10:00:00Z"), null, null, null, null, 0, null));
    TaskMessage received = KombuEnvelope.decode(KombuEnvelope.encode(sent, "math", "tag")).message();
    Set<String> names = Set.of("argsrepr", "kwargsrepr", "eta", "expires", "missing");

    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("eta", "2026-12-04T10:00:00.000000+00:00");
    expected.put("expires", null);
    expected.put("argsrepr", "(1, 'two')");
    expected.put("kwargsrepr", "{'k': [True]}");
    assertEquals(expected, received.headers(names));
    received.headers();
    assertEquals(expected, received.headers(names));
  }
}
