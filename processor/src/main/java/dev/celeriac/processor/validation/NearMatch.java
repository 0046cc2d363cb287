package dev.celeriac.processor.validation;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Finds the candidate a mistyped word most likely meant, for "did you mean" hints. */
final class NearMatch {

  private static final int MAX_DISTANCE = 2;

  private NearMatch() {}

  /** The candidate equal but for case, else the closest one within a small edit distance, if any. */
  static Optional<String> of(String input, Collection<String> candidates) {
    for (String candidate : candidates) {
      if (candidate.equalsIgnoreCase(input)) {
        return Optional.of(candidate);
      }
    }
    String best = null;
    int bestDistance = MAX_DISTANCE + 1;
    String lowerInput = input.toLowerCase(Locale.ROOT);
    for (String candidate : candidates) {
      int distance = distance(lowerInput, candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The " Did you mean X?" sentence, or an empty string. */
  static String hint(String input, Collection<String> candidates) {
    return of(input, candidates).map(match -> " Did you mean " + match + "?").orElse("");
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
