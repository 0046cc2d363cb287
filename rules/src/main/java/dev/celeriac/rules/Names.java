package dev.celeriac.rules;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a task name, a queue name and a keyword (the key an argument travels under in a message's kwargs) may
 * be. The processor refuses a {@code @Task} or {@code @Kwarg} that breaks them, with a message that says how to
 * write it instead.
 */
public final class Names {

  /** The longest task name: Celery's result backends and monitoring tools store it in bounded fields. */
  public static final int MAX_TASK_NAME_LENGTH = 200;

  private static final Pattern TASK_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.:-]*");
  private static final Pattern KEYWORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * Python 3's reserved words ({@code keyword.kwlist}), which no Python function can take as a parameter. The
   * soft keywords ({@code match}, {@code case}, {@code type}, {@code _}) are left out: they are keywords only
   * in some statements and remain valid parameter names.
   */
  private static final Set<String> PYTHON_KEYWORDS = Set.of(
      "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
      "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
      "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield");

  private Names() {}

  /**
   * Whether {@code name} is a task name: a letter or {@code _}, then letters, digits and {@code _ . : -}, at most
   * {@link #MAX_TASK_NAME_LENGTH} characters ({@code sentry.tasks.store.save_event}).
   */
  public static boolean isTaskName(String name) {
    return name.length() <= MAX_TASK_NAME_LENGTH && TASK_NAME.matcher(name).matches();
  }

  /** Whether {@code name} is a queue name: not blank, and no white space, which brokers' URLs and CLIs split on. */
  public static boolean isQueueName(String name) {
    return !name.isBlank() && name.chars().noneMatch(Character::isWhitespace);
  }

  /** Whether {@code keyword} is a keyword a Python function could take: letters, digits and {@code _}. */
  public static boolean isKeyword(String keyword) {
    return KEYWORD.matcher(keyword).matches();
  }

  /** Whether {@code keyword} is a Python reserved word, which no Python task can take as a parameter. */
  public static boolean isPythonKeyword(String keyword) {
    return PYTHON_KEYWORDS.contains(keyword);
  }
}
