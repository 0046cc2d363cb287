package dev.celeriac.processor;

import com.google.auto.service.AutoService;
import com.squareup.javapoet.AnnotationSpec;
import com.squareup.javapoet.ClassName;
import dev.celeriac.processor.model.TaskDescriptor;
import dev.celeriac.processor.validation.MisplacedAnnotationValidator;
import dev.celeriac.processor.validation.TaskValidator;
import dev.celeriac.processor.validation.WorkerEntryValidator;
import dev.celeriac.processor.writing.IndexWriter;
import dev.celeriac.processor.writing.Output;
import dev.celeriac.processor.writing.StubWriter;
import dev.celeriac.processor.writing.TasksJsonWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/**
 * The Celeriac annotation processor: checks every {@code @Task} method, generates a typed stub for each valid
 * one as soon as it is found, in the same round the task index of those tasks, and, in the last round, the
 * {@code ServiceLoader} registration of the compilation's indexes and {@code META-INF/celeriac/tasks.json}.
 *
 * <p>The index is written with the stubs, not in a round of its own: every round makes javac enter every
 * compilation unit again, so a round that only compiles the index costs as much as entering the user's sources.
 * A task that another processor generates after the first index (it arrives in a later round) gets an index of
 * its own, written with its stub; the registration, a resource that the last round may still write, lists them
 * all. A compilation whose tasks are all in hand-written sources, or arrive in one round, has one index.
 *
 * <p>The registration and tasks.json are written only when the whole compilation is free of Celeriac errors: a
 * build that fails never leaves a registered index behind. Stubs of valid tasks are still written, so that
 * javac does not add "cannot find symbol" noise for code that calls them.
 *
 * <p>Option {@code -Aceleriac.index=com.acme.AcmeTaskIndex} names the (first) index class; by default it is
 * {@code CeleriacTaskIndex_} plus a hash of the task names and their declaring methods, in the package of the
 * first declaring type.
 *
 * <p>Before registering them, the tasks are checked against the committed task schema, the previous release's
 * tasks.json, so that a rolling deploy loses no queued message; {@code -Aceleriac.updateSchema=true} writes
 * that schema instead (see {@link CommittedSchema}).
 */
@AutoService(Processor.class)
public final class CeleriacProcessor extends AbstractProcessor {

  /** The processor option that names the index class. */
  public static final String INDEX_OPTION = "celeriac.index";

  private Diagnostics diagnostics;
  private Elements elements;
  private TaskValidator validator;
  private MisplacedAnnotationValidator misplaced;
  private WorkerEntryValidator workerEntries;
  private StubWriter stubWriter;
  private IndexWriter index;
  private Output output;
  private CommittedSchema schema;

  /** Every valid task of the compilation. */
  private final List<TaskDescriptor> tasks = new ArrayList<>();
  /** The tasks whose stubs were written but which no index lists yet. */
  private final List<TaskDescriptor> unindexed = new ArrayList<>();
  /** The index classes written so far, in the order of their rounds. */
  private final List<ClassName> indexes = new ArrayList<>();
  /** The qualified names of the stubs written so far: the rounds that bring them need no second look at them. */
  private final Set<String> stubs = new HashSet<>();
  /** Methods whose types javac has not resolved yet, by declaring type and position, to retry next round. */
  private Set<DeferredMethod> deferred = new LinkedHashSet<>();

  private record DeferredMethod(String type, int position) {}

  @Override
  public synchronized void init(ProcessingEnvironment environment) {
    super.init(environment);
    diagnostics = new Diagnostics(environment.getMessager());
    elements = environment.getElementUtils();
    validator = new TaskValidator(diagnostics, environment);
    misplaced = new MisplacedAnnotationValidator(diagnostics, elements);
    workerEntries = new WorkerEntryValidator(diagnostics, elements, environment.getTypeUtils());
    Optional<AnnotationSpec> generated = Optional.ofNullable(elements.getTypeElement(ClassNames.GENERATED))
        .map(type -> AnnotationSpec.builder(ClassName.get(type))
            .addMember("value", "$S", CeleriacProcessor.class.getName())
            .build());
    stubWriter = new StubWriter(generated.isPresent());
    index = new IndexWriter(generated);
    output = new Output(environment.getFiler());
    schema = new CommittedSchema(environment, diagnostics);
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(ClassNames.TASK, ClassNames.PERIODIC, ClassNames.EXTRAS, ClassNames.KWARG, ClassNames.DEFAULT);
  }

  @Override
  public Set<String> getSupportedOptions() {
    return Set.of(INDEX_OPTION, CommittedSchema.SCHEMA_OPTION, CommittedSchema.UPDATE_OPTION);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    try {
      if (round.processingOver()) {
        register();
      } else {
        processRound(annotations, round);
      }
    } catch (Throwable failure) {
      diagnostics.internalError(null, failure);
    }
    // Never claim the annotations: other processors may read them too.
    return false;
  }

  private void processRound(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    // javac calls the processor in every round after the first, with no annotation when the round's sources carry
    // none, as the rounds of the generated stubs and index: then no element has one to check or to find.
    if (!annotations.isEmpty()) {
      misplaced.check(round);
    }
    workerEntries.check(round, type -> stubs.contains(type.getQualifiedName().toString()));
    for (ExecutableElement method : methods(annotations, round)) {
      try {
        if (!validator.isComplete(method)) {
          deferred.add(defer(method));
          continue;
        }
        Optional<TaskDescriptor> task = validator.createIfValid(method);
        if (task.isPresent()) {
          output.source(task.get().stub().canonicalName(), stubWriter.write(task.get()),
              task.get().declaringType());
          tasks.add(task.get());
          unindexed.add(task.get());
          stubs.add(task.get().stub().canonicalName());
        }
      } catch (RuntimeException | Error failure) {
        diagnostics.internalError(method, failure);
      }
    }
    // The index goes with the stubs: a round of its own would make javac enter every source once more. While a
    // method waits for its types, its index waits too, so that it does not need one of its own.
    if (deferred.isEmpty() && !unindexed.isEmpty()) {
      writeIndex();
    }
  }

  /** This round's {@code @Task} methods, after those deferred from earlier rounds. */
  private List<ExecutableElement> methods(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    List<ExecutableElement> methods = new ArrayList<>();
    Set<DeferredMethod> waiting = deferred;
    deferred = new LinkedHashSet<>();
    for (DeferredMethod method : waiting) {
      TypeElement type = elements.getTypeElement(method.type());
      if (type != null && method.position() < type.getEnclosedElements().size()
          && type.getEnclosedElements().get(method.position()) instanceof ExecutableElement executable) {
        methods.add(executable);
      }
    }
    TypeElement task = elements.getTypeElement(ClassNames.TASK);
    if (task != null && !annotations.isEmpty()) {
      for (Element element : round.getElementsAnnotatedWith(task)) {
        if (element.getKind() == ElementKind.METHOD) {
          methods.add((ExecutableElement) element);
        }
      }
    }
    return methods;
  }

  private static DeferredMethod defer(ExecutableElement method) {
    TypeElement type = (TypeElement) method.getEnclosingElement();
    return new DeferredMethod(type.getQualifiedName().toString(), type.getEnclosedElements().indexOf(method));
  }

  /** Writes an index of the tasks no index lists yet: the first with the requested name, if any. */
  private void writeIndex() {
    if (!diagnostics.isClean()) {
      return;
    }
    Optional<String> requested = Optional.ofNullable(processingEnv.getOptions().get(INDEX_OPTION));
    if (requested.isPresent() && !SourceVersion.isName(requested.get())) {
      diagnostics.error(Message.INVALID_OPTION, null, "Option -A" + INDEX_OPTION + "=" + requested.get(),
          "a qualified class name",
          "Use a name such as com.acme.AcmeTaskIndex, or leave the option out.");
      return;
    }
    ClassName name = IndexWriter.indexName(unindexed, indexes.isEmpty() ? requested : Optional.empty());
    output.source(index.write(name, unindexed));
    indexes.add(name);
    unindexed.clear();
  }

  /**
   * The last round: checks the compilation's tasks against the committed schema, then registers its indexes and
   * writes tasks.json. Both are resources, which javac accepts in the last round, and sources are not needed.
   */
  private void register() {
    if (tasks.isEmpty() || !unindexed.isEmpty() || !diagnostics.isClean()) {
      return;
    }
    schema.process(tasks);
    if (!diagnostics.isClean()) {
      return;
    }
    Element[] originating = tasks.stream().map(TaskDescriptor::declaringType).distinct().toArray(Element[]::new);
    output.resource(IndexWriter.SERVICE_FILE, IndexWriter.serviceFile(indexes), originating);
    output.resource(TasksJsonWriter.PATH, TasksJsonWriter.write(tasks), originating);
  }
}
