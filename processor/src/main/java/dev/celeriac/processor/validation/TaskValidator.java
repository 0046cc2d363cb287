package dev.celeriac.processor.validation;

import com.squareup.javapoet.ClassName;
import dev.celeriac.processor.ClassNames;
import dev.celeriac.processor.Diagnostics;
import dev.celeriac.processor.model.DefaultValue;
import dev.celeriac.processor.model.ParameterDescriptor;
import dev.celeriac.processor.model.ScheduleDescriptor;
import dev.celeriac.processor.model.TaskDescriptor;
import dev.celeriac.processor.model.TaskDescriptor.Invocation;
import dev.celeriac.processor.model.ValueTypeDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/**
 * Checks one {@code @Task} method against every rule, reporting every problem it finds, and describes it if
 * there were none. It keeps the compilation-wide state (names and stubs seen) across calls.
 */
public final class TaskValidator {

  private final Diagnostics diagnostics;
  private final Completeness completeness;
  private final TaskOptionsValidator options;
  private final MethodValidator methods;
  private final ExtrasValidator extras;
  private final ParameterTypeValidator types;
  private final KwargValidator kwargs;
  private final DefaultValidator defaults;
  private final PeriodicValidator periodic;
  private final UniquenessValidator uniqueness;

  public TaskValidator(Diagnostics diagnostics, ProcessingEnvironment environment) {
    Annotations annotations = new Annotations(environment.getElementUtils());
    this.diagnostics = diagnostics;
    this.completeness = new Completeness(annotations);
    this.options = new TaskOptionsValidator(diagnostics, annotations);
    this.methods = new MethodValidator(diagnostics);
    this.extras = new ExtrasValidator(diagnostics);
    this.types = new ParameterTypeValidator(diagnostics, environment.getElementUtils());
    this.kwargs = new KwargValidator(diagnostics);
    this.defaults = new DefaultValidator(diagnostics);
    this.periodic = new PeriodicValidator(diagnostics, annotations, environment.getTypeUtils());
    this.uniqueness = new UniquenessValidator(diagnostics, environment.getElementUtils());
  }

  /**
   * Whether javac resolved everything the checks read. When it did not, the method waits for a later round
   * (a missing type may yet be generated); if it never resolves, javac itself reports why.
   */
  public boolean isComplete(ExecutableElement method) {
    return completeness.isComplete(method);
  }

  /** The task, if the method passes every check; otherwise every problem has been reported. */
  public Optional<TaskDescriptor> createIfValid(ExecutableElement method) {
    int checkpoint = diagnostics.checkpoint();
    AnnotationMirror task = Annotations.find(method, ClassNames.TASK).orElseThrow();

    Optional<String> name = options.name(method, task);
    name.ifPresent(valid ->
        uniqueness.checkName(method, task, Annotations.explicit(task, "name").orElseThrow(), valid));
    Optional<TaskOptionsValidator.Options> settings = options.options(method, task);
    Optional<Invocation> invocation = methods.check(method);
    Optional<Optional<ValueTypeDescriptor>> result = types.checkResult(method, Describe.method(method));
    Optional<VariableElement> extrasParameter = extras.check(method);

    List<VariableElement> parameters = new ArrayList<>();
    for (VariableElement parameter : method.getParameters()) {
      if (!ExtrasValidator.isExtras(parameter)) {
        parameters.add(parameter);
      }
    }
    Map<VariableElement, ValueTypeDescriptor> parameterTypes = new LinkedHashMap<>();
    Map<VariableElement, DefaultValue> parameterDefaults = new LinkedHashMap<>();
    for (VariableElement parameter : parameters) {
      types.check(parameter).ifPresent(type -> {
        parameterTypes.put(parameter, type);
        defaults.check(parameter, type).ifPresent(value -> parameterDefaults.put(parameter, value));
      });
    }
    Map<VariableElement, String> keywords = kwargs.check(method, parameters);
    Optional<ScheduleDescriptor> schedule = periodic.check(method, parameters);
    ClassName stub = UniquenessValidator.stubName(method);
    uniqueness.checkStub(method, stub);

    if (!diagnostics.cleanSince(checkpoint)) {
      return Optional.empty();
    }
    List<ParameterDescriptor> described = new ArrayList<>();
    for (VariableElement parameter : parameters) {
      described.add(new ParameterDescriptor(parameter.getSimpleName().toString(), keywords.get(parameter),
          parameterTypes.get(parameter), Optional.ofNullable(parameterDefaults.get(parameter))));
    }
    TypeElement declaringType = (TypeElement) method.getEnclosingElement();
    return Optional.of(new TaskDescriptor(name.orElseThrow(), method, declaringType, ClassName.get(declaringType),
        method.getSimpleName().toString(), invocation.orElseThrow(), stub, settings.orElseThrow().queue(),
        settings.orElseThrow().retry(), schedule, described, extrasParameter.orElseThrow().getSimpleName().toString(),
        result.orElseThrow(), settings.orElseThrow().ignoreResult(), settings.orElseThrow().trackStarted()));
  }
}
