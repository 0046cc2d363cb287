package dev.celeriac.processor.validation;

import com.squareup.javapoet.ClassName;
import dev.celeriac.processor.ClassNames;
import dev.celeriac.processor.Diagnostics;
import dev.celeriac.processor.Message;
import dev.celeriac.processor.model.ParameterDescriptor;
import dev.celeriac.processor.model.ParameterRecord;
import dev.celeriac.processor.model.TaskDescriptor;
import dev.celeriac.processor.model.TaskRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.VariableElement;

/**
 * Checks this compilation's tasks against the committed task schema, the tasks of the previous release. During
 * a rolling deploy, messages written by the old code are consumed by the new one; every change that would
 * dead-letter them fails the build on the element that made it. Tasks and parameters are matched by what
 * travels: the task name and the keyword, not the Java names.
 *
 * <p>Errors: a new required parameter, or an optional one made required ({@code NewRequiredParameter}); a type
 * that old values may not convert to ({@code IncompatibleParameterType}); a parameter whose keyword changed
 * ({@code KwargChanged}); a task the schema lists and does not mark retired, and that no method declares any
 * more ({@code TaskRemoved}). Warnings: a keyword that is gone ({@code RemovedParameter}), whose values will
 * land in {@code @Extras}; parameters that changed position ({@code ParameterMoved}), which only matters to
 * producers that send positional {@code args}, as Python Celery may; a task that moved to another queue
 * ({@code QueueChanged}), whose old queue must stay consumed until it drains.
 */
public final class SchemaCompatibilityValidator {

  private final Diagnostics diagnostics;

  public SchemaCompatibilityValidator(Diagnostics diagnostics) {
    this.diagnostics = diagnostics;
  }

  /**
   * Reports every incompatible change.
   *
   * @param committed the tasks the schema lists
   * @param tasks this compilation's tasks, at least one
   * @param schema how to name the schema file in messages
   */
  public void check(List<TaskRecord> committed, List<TaskDescriptor> tasks, String schema) {
    Map<String, TaskDescriptor> byName = new LinkedHashMap<>();
    tasks.forEach(task -> byName.put(task.name(), task));
    Set<String> committedNames = new HashSet<>();
    committed.forEach(record -> committedNames.add(record.name()));
    for (TaskRecord before : committed) {
      TaskDescriptor now = byName.get(before.name());
      if (now != null) {
        // A retired task that is declared again is checked like any other: old messages may still be replayed.
        checkParameters(before, now, schema);
        if (!before.retired() && !before.queue().equals(now.queue())) {
          diagnostics.warning(Message.QUEUE_CHANGED, now.method(), now.name(), before.queue(), schema, now.queue(),
              before.queue(), before.queue());
        }
      } else if (!before.retired()) {
        reportRemoved(before, tasks, committedNames, schema);
      }
    }
  }

  private void checkParameters(TaskRecord before, TaskDescriptor now, String schema) {
    Map<String, ParameterRecord> oldByKeyword = new LinkedHashMap<>();
    before.parameters().forEach(parameter -> oldByKeyword.put(parameter.keyword(), parameter));
    Set<String> newKeywords = new HashSet<>();
    now.parameters().forEach(parameter -> newKeywords.add(parameter.keyword()));
    Set<String> matched = new HashSet<>();

    for (ParameterDescriptor parameter : now.parameters()) {
      VariableElement element = element(now, parameter);
      ParameterRecord old = oldByKeyword.get(parameter.keyword());
      if (old == null) {
        Optional<ParameterRecord> sameJavaName = before.parameters().stream()
            .filter(candidate -> candidate.name().equals(parameter.javaName()))
            .filter(candidate -> !newKeywords.contains(candidate.keyword()))
            .findFirst();
        if (sameJavaName.isPresent()) {
          matched.add(sameJavaName.get().keyword());
          reportKwargChanged(now, parameter, element, sameJavaName.get(), schema);
        } else if (parameter.isRequired()) {
          reportRequired(now, parameter, element, "the committed schema " + schema + " has no keyword \""
              + parameter.keyword() + "\"");
        }
        continue;
      }
      matched.add(old.keyword());
      Optional<String> problem = TypeCompatibility.problem(old.type(), parameter.type(),
          parameter.defaultValue().isPresent());
      if (problem.isPresent()) {
        diagnostics.error(Message.INCOMPATIBLE_PARAMETER_TYPE, element, parameter.javaName(), now.name(),
            parameter.type().spelling(), schema, old.keyword(), old.type().spelling(), problem.get());
      } else if (parameter.isRequired() && !old.required()) {
        reportRequired(now, parameter, element, "the committed schema " + schema + " has it optional");
      }
    }
    for (ParameterRecord old : before.parameters()) {
      if (!matched.contains(old.keyword())) {
        diagnostics.warning(Message.REMOVED_PARAMETER, now.method(), now.name(), old.keyword(), old.name(),
            old.type().spelling(), schema, now.extrasName());
      }
    }
    checkPositions(before, now, schema);
  }

  /**
   * One warning, on the first parameter that moved, when a keyword of the schema is declared at another
   * position: old positional {@code args} would bind to other parameters. Parameters added at the end move
   * nothing.
   */
  private void checkPositions(TaskRecord before, TaskDescriptor now, String schema) {
    List<String> moved = new ArrayList<>();
    VariableElement first = null;
    for (int position = 0; position < now.parameters().size(); position++) {
      ParameterDescriptor parameter = now.parameters().get(position);
      for (int old = 0; old < before.parameters().size(); old++) {
        if (before.parameters().get(old).keyword().equals(parameter.keyword()) && old != position) {
          moved.add("\"" + parameter.keyword() + "\" was argument " + old + ", is " + position);
          first = first == null ? element(now, parameter) : first;
        }
      }
    }
    if (first != null) {
      diagnostics.warning(Message.PARAMETER_MOVED, first, now.name(), schema, String.join("; ", moved));
    }
  }

  private void reportRequired(TaskDescriptor task, ParameterDescriptor parameter, VariableElement element,
      String why) {
    diagnostics.error(Message.NEW_REQUIRED_PARAMETER, element, parameter.javaName(), task.name(),
        parameter.type().spelling(), why, parameter.keyword(), parameter.type().kind().boxName());
  }

  private void reportKwargChanged(TaskDescriptor task, ParameterDescriptor parameter, VariableElement element,
      ParameterRecord old, String schema) {
    String state = parameter.isRequired() ? "missing, so they would be dead-lettered"
        : parameter.defaultValue().isPresent() ? "left at its default" : "left null";
    Object[] arguments = {parameter.javaName(), task.name(), parameter.keyword(), schema, old.keyword(),
        old.keyword(), parameter.javaName(), state, old.keyword()};
    Optional<AnnotationMirror> kwarg = Annotations.find(element, ClassNames.KWARG);
    Optional<AnnotationValue> value = kwarg.flatMap(mirror -> Annotations.explicit(mirror, "value"));
    if (value.isPresent()) {
      diagnostics.error(Message.KWARG_CHANGED, element, kwarg.get(), value.get(), arguments);
    } else {
      diagnostics.error(Message.KWARG_CHANGED, element, arguments);
    }
  }

  /**
   * A removed task has no element of its own. The error goes, in this order of preference, on the name of the
   * {@code @Task} that the same method now declares (a rename); on the type that declared it, if it still
   * declares tasks; on the type of a task in the same package; else on the type of the first task.
   */
  private void reportRemoved(TaskRecord before, List<TaskDescriptor> tasks, Set<String> committedNames,
      String schema) {
    String retire = "Keep the task until its queue has drained, or retire it: mark its entry in the schema"
        + " \"retired\": true to accept that such messages are dead-lettered (the schema update keeps it retired).";
    for (TaskDescriptor task : tasks) {
      if (task.origin().equals(before.method()) && !committedNames.contains(task.name())) {
        AnnotationMirror annotation = Annotations.find(task.method(), ClassNames.TASK).orElseThrow();
        Optional<AnnotationValue> name = Annotations.explicit(annotation, "name");
        String found = task.origin() + " now declares \"" + task.name() + "\" instead";
        String fix = "A task name is its address: keep \"" + before.name() + "\", or declare \"" + task.name()
            + "\" on a second method beside it, switch producers to it, and retire \"" + before.name()
            + "\" once its queue has drained.";
        Object[] arguments = {before.name(), before.method(), schema, found, fix};
        if (name.isPresent()) {
          diagnostics.error(Message.TASK_REMOVED, task.method(), annotation, name.get(), arguments);
        } else {
          diagnostics.error(Message.TASK_REMOVED, task.method(), arguments);
        }
        return;
      }
    }
    String declaringClass = before.declaringClass();
    Element element = tasks.stream()
        .filter(task -> task.declaringClass().canonicalName().equals(declaringClass))
        .findFirst()
        .or(() -> tasks.stream()
            .filter(task -> declaringClass.startsWith(packagePrefix(task.declaringClass())))
            .max(Comparator.comparingInt(task -> task.declaringClass().packageName().length())))
        .orElse(tasks.get(0))
        .declaringType();
    diagnostics.error(Message.TASK_REMOVED, element, before.name(), before.method(), schema,
        "no @Task in this compilation declares it", retire);
  }

  private static String packagePrefix(ClassName type) {
    return type.packageName().isEmpty() ? "" : type.packageName() + ".";
  }

  private static VariableElement element(TaskDescriptor task, ParameterDescriptor parameter) {
    return task.method().getParameters().stream()
        .filter(candidate -> candidate.getSimpleName().contentEquals(parameter.javaName()))
        .findFirst()
        .orElseThrow();
  }
}
