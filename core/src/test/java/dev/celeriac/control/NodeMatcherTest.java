package dev.celeriac.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which requests a node takes, as kombu's {@code Node.handle_message} and {@code kombu.matcher} decide. */
class NodeMatcherTest {

  @Test
  void destinationBeatsPatternAndNoneMeansEveryNode() {
    assertTrue(NodeMatcher.selects("w1@h", null, null, null));
    assertTrue(NodeMatcher.selects("w1@h", List.of(), "x*", null), "a pattern without a matcher selects all");
    assertTrue(NodeMatcher.selects("w1@h", List.of("w1@h", "w2@h"), "x*", "glob"));
    assertFalse(NodeMatcher.selects("w1@h", List.of("w2@h"), "w*", "glob"));
  }

  @Test
  void globIsFnmatchAndPcreMatchesFromTheStart() {
    assertTrue(NodeMatcher.matches("celeriac@web-1", "celeriac@web-?", "glob"));
    assertTrue(NodeMatcher.matches("celeriac@web-1", "*@web-[0-9]", "glob"));
    assertFalse(NodeMatcher.matches("celeriac@web-1", "*@web-[!0-9]", "glob"));
    assertFalse(NodeMatcher.matches("celeriac@web-1", "web*", "glob"), "fnmatch matches the whole name");
    assertTrue(NodeMatcher.matches("celeriac@web-1", "cel", "pcre"), "re.match: anchored at the start only");
    assertFalse(NodeMatcher.matches("celeriac@web-1", "web", "pcre"));
    assertThrows(IllegalArgumentException.class, () -> NodeMatcher.matches("a", "a", "nosuchmatcher"));
  }
}
