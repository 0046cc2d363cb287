package dev.celeriac.control;

import dev.celeriac.events.PythonText;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which node a request names, as kombu's {@code pidbox.Node.handle_message} decides: a non-empty
 * {@code destination} lists node names; otherwise a {@code pattern} with a {@code matcher}, {@code glob}
 * (Python's {@code fnmatch}) or {@code pcre} (Python's {@code re.match}: anchored at the start only); otherwise
 * every node.
 */
final class NodeMatcher {

  private NodeMatcher() {}

  /**
   * Whether a request for {@code destination}, {@code pattern} and {@code matcher} is for the node {@code node}.
   *
   * @throws IllegalArgumentException for a matcher kombu does not know, or a pattern that is not a regex
   */
  static boolean selects(String node, Object destination, Object pattern, Object matcher) {
    if (destination instanceof java.util.List<?> names && !names.isEmpty()) {
      return names.contains(node);
    }
    if (destination instanceof String name && !name.isEmpty()) {
      // kombu tests membership with `in`: on a string that is a substring test.
      return name.contains(node);
    }
    if (pattern instanceof String text && !text.isEmpty() && matcher instanceof String kind && !kind.isEmpty()) {
      return matches(node, text, kind);
    }
    return true;
  }

  static boolean matches(String node, String pattern, String matcher) {
    switch (matcher) {
      case "glob":
        return glob(pattern).matcher(node).matches();
      case "pcre":
        try {
          return Pattern.compile(pattern).matcher(node).lookingAt();
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException("error(" + PythonText.repr(e.getDescription()) + ")", e);
        }
      default:
        throw new IllegalArgumentException("MatcherNotInstalled(" + PythonText.repr("No matcher installed for " + matcher) + ")");
    }
  }

  /** Python's {@code fnmatch.translate}: {@code *}, {@code ?}, {@code [seq]} and {@code [!seq]}, the rest literal. */
  static Pattern glob(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*') {
        regex.append(".*");
      } else if (c == '?') {
        regex.append('.');
      } else if (c == '[') {
        int j = i + 1;
        if (j < pattern.length() && pattern.charAt(j) == '!') {
          j++;
        }
        if (j < pattern.length() && pattern.charAt(j) == ']') {
          j++;
        }
        while (j < pattern.length() && pattern.charAt(j) != ']') {
          j++;
        }
        if (j >= pattern.length()) {
          regex.append("\\[");
        } else {
          String set = pattern.substring(i + 1, j).replace("\\", "\\\\");
          if (set.startsWith("!")) {
            set = "^" + set.substring(1);
          } else if (set.startsWith("^")) {
            set = "\\" + set;
          }
          regex.append('[').append(set).append(']');
          i = j;
        }
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }
}
