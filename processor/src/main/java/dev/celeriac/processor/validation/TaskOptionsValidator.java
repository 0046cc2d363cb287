package dev.celeriac.processor.validation;

import com.squareup.javapoet.ClassName;
import dev.celeriac.processor.Diagnostics;
import dev.celeriac.processor.Message;
import dev.celeriac.processor.model.RetryDescriptor;
import dev.celeriac.rules.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;

/** Checks the {@code @Task} elements: name, queue, retry policy and timing. */
final class TaskOptionsValidator {

  /** What a {@code @Task} says besides its name. */
  record Options(String queue, RetryDescriptor retry, boolean ignoreResult, boolean trackStarted) {}

  private final Diagnostics diagnostics;
  private final Annotations annotations;

  TaskOptionsValidator(Diagnostics diagnostics, Annotations annotations) {
    this.diagnostics = diagnostics;
    this.annotations = annotations;
  }

  /** The task name, if it is well formed. */
  Optional<String> name(ExecutableElement method, AnnotationMirror task) {
    AnnotationValue value = Annotations.explicit(task, "name").orElseThrow();
    String name = (String) value.getValue();
    String hint = "";
    if (name.length() > Names.MAX_TASK_NAME_LENGTH) {
      hint = " This one has " + name.length() + " characters.";
    } else if (!name.isBlank() && !Names.isTaskName(name)) {
      hint = " Replace spaces and other characters with '_' or '.'.";
    }
    if (!Names.isTaskName(name)) {
      diagnostics.error(Message.INVALID_NAME, method, task, value, name, hint);
      return Optional.empty();
    }
    return Optional.of(name);
  }

  /** The queue and retry policy, if they are valid. */
  Optional<Options> options(ExecutableElement method, AnnotationMirror task) {
    boolean valid = true;
    String queue = (String) annotations.value(task, "queue").orElseThrow().getValue();
    if (!Names.isQueueName(queue)) {
      report(Message.INVALID_QUEUE, method, task, "queue", queue);
      valid = false;
    }
    int maxRetries = nonNegative(method, task, "maxRetries", "no retry");
    int delay = nonNegative(method, task, "defaultRetryDelaySeconds", "an immediate retry");
    int timeLimit = nonNegative(method, task, "timeLimitSeconds", "no limit");
    int expires = nonNegative(method, task, "expiresSeconds", "messages that never expire");
    valid &= maxRetries >= 0 && delay >= 0 && timeLimit >= 0 && expires >= 0;
    Optional<List<ClassName>> retryOn = exceptions(method, task, "retryOn");
    Optional<List<ClassName>> dontRetryOn = exceptions(method, task, "dontRetryOn");
    if (retryOn.isPresent() && dontRetryOn.isPresent()) {
      valid &= disjoint(method, task, retryOn.get(), dontRetryOn.get());
    }
    boolean backoff = (Boolean) annotations.value(task, "retryBackoff").orElseThrow().getValue();
    if (!valid || retryOn.isEmpty() || dontRetryOn.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Options(queue, new RetryDescriptor(
        maxRetries, delay, backoff, retryOn.get(), dontRetryOn.get(), timeLimit, expires),
        flag(task, "ignoreResult"), flag(task, "trackStarted")));
  }

  /** A boolean element; false when the runtime's {@code @Task} predates it. */
  private boolean flag(AnnotationMirror task, String element) {
    return annotations.value(task, element).map(value -> (Boolean) value.getValue()).orElse(false);
  }

  private int nonNegative(ExecutableElement method, AnnotationMirror task, String element, String zeroMeans) {
    int value = (Integer) annotations.value(task, element).orElseThrow().getValue();
    if (value < 0) {
      report(Message.NEGATIVE_SETTING, method, task, element, element, value, zeroMeans);
    }
    return value;
  }

  private Optional<List<ClassName>> exceptions(ExecutableElement method, AnnotationMirror task, String element) {
    List<ClassName> names = new ArrayList<>();
    boolean valid = true;
    @SuppressWarnings("unchecked")
    List<? extends AnnotationValue> values =
        (List<? extends AnnotationValue>) annotations.value(task, element).orElseThrow().getValue();
    for (AnnotationValue value : values) {
      TypeElement type = (TypeElement) ((DeclaredType) value.getValue()).asElement();
      Optional<String> problem = Accessibility.problem(type, Accessibility.packageOf(method));
      if (problem.isPresent()) {
        AnnotationValue at = Annotations.explicit(task, element).orElse(null);
        diagnostics.error(Message.INACCESSIBLE_CLASS, method, task, at, problem.get(), Describe.packageOf(method),
            element + " exception " + type.getQualifiedName());
        valid = false;
      } else {
        names.add(ClassName.get(type));
      }
    }
    return valid ? Optional.of(names) : Optional.empty();
  }

  /**
   * Whether no type is in both lists; reports each one that is, on dontRetryOn. Only a retryOn written out
   * counts: {@code dontRetryOn = Exception.class} under the default {@code retryOn} is a plain "never retry".
   */
  private boolean disjoint(ExecutableElement method, AnnotationMirror task, List<ClassName> retryOn,
      List<ClassName> dontRetryOn) {
    if (Annotations.explicit(task, "retryOn").isEmpty()) {
      return true;
    }
    boolean disjoint = true;
    for (ClassName type : dontRetryOn) {
      if (retryOn.contains(type)) {
        report(Message.INVALID_OPTION, method, task, "dontRetryOn",
            "@Task dontRetryOn " + type.canonicalName() + ", also in retryOn,",
            "allowed: a type may be in one of the two only, and as dontRetryOn wins, the task would never retry it",
            "Remove it from the list it does not belong to.");
        disjoint = false;
      }
    }
    return disjoint;
  }

  /** Reports on the element's value when it is written out, else on the annotation. */
  private void report(Message message, ExecutableElement method, AnnotationMirror task, String element,
      Object... arguments) {
    Optional<AnnotationValue> value = Annotations.explicit(task, element);
    if (value.isPresent()) {
      diagnostics.error(message, method, task, value.get(), arguments);
    } else {
      diagnostics.error(message, method, task, arguments);
    }
  }
}
