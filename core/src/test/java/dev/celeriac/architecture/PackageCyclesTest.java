package dev.celeriac.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Core's packages depend on each other without cycles, the root package ({@code dev.celeriac}, what users import)
 * included, and core names no broker module.
 *
 * <p>The root package holds two kinds of type. Most are vocabulary: the annotations, the exceptions, and values such
 * as {@code ValueType}, {@code Parameter}, {@code RetryPolicy}, {@code Schedule}, {@code InstanceProvider}. Every
 * sub-package uses them (a broker throws {@code ConfigurationException}, the worker reads a {@code RetryPolicy}), so
 * they sit at the bottom and depend on no sub-package. A few root types are entry points whose public signatures,
 * fixed by the product contract or by what generated code calls, name a sub-package's type, or which wire the
 * sub-packages together; the sub-packages that implement them use the vocabulary back, so a cycle through each of
 * them is forced. {@link #ENTRY_POINTS} lists them, each with the only sub-packages it may use and why:
 *
 * <ul>
 *   <li>{@code Celeriac}: the application object wires broker, result backend, chord store, events, cron and
 *       worker from the configuration, and hands out the worker and registry the contract says come from it.</li>
 *   <li>{@code CeleriacConfig}: its builder takes {@code WorkerOptions} and {@code BrokerSettings}, the public
 *       configuration of the worker and of the broker modules.</li>
 *   <li>{@code ConfigLoader}: turns the configuration keys into those same options, and asks the broker modules
 *       found by URL scheme for their settings.</li>
 *   <li>{@code TaskDefinition}: generated task indexes build definitions with the invoker interfaces, which live in
 *       {@code internal} because only generated code implements them.</li>
 *   <li>{@code TaskRegistry}: loads the generated {@code internal.TaskIndex} implementations through
 *       {@link java.util.ServiceLoader}.</li>
 *   <li>{@code TaskContext}: {@code current()} reads the thread-local the worker sets around each run; it lives in
 *       {@code internal} so that setting it is not API.</li>
 *   <li>{@code TaskRef} and {@code TaskFailedException}: {@code state()} returns {@code result.TaskState}, and the
 *       public constructors take the {@code result} types a backend reads; {@code TaskRef.get} converts a result by
 *       the protocol's rule for typed values ({@code protocol.TypedValues}), the one the worker binds arguments
 *       by.</li>
 *   <li>{@code Signature}, {@code Group}, {@code Canvas}, {@code TaskCall}: a signature is the wire form of a canvas
 *       ({@code canvas.SignatureSpec}), which the worker's canvas code reads and extends too; options are encoded as
 *       the protocol encodes them ({@code protocol.JsonValues}, {@code protocol.Timestamps}).</li>
 *   <li>{@code Batch}: holds the encoded messages ({@code broker.MessagePublisher.Outgoing}) that it sends to the
 *       broker in one round trip.</li>
 * </ul>
 *
 * <p>{@code dev.celeriac.rules} is another module's package and depends on nothing but the JDK; any root type may
 * use it.
 */
class PackageCyclesTest {

  private static final String ROOT = "dev.celeriac";

  private static final String RULES = "dev.celeriac.rules";

  /** The root types that may use sub-packages, and which; see the class comment for why each is here. */
  private static final Map<String, Set<String>> ENTRY_POINTS = Map.ofEntries(
      Map.entry("Celeriac", Set.of("broker", "broker.eager", "broker.memory", "canvas", "cron", "events", "internal",
          "protocol", "result", "result.memory", "worker")),
      Map.entry("CeleriacConfig", Set.of("broker", "worker")),
      Map.entry("ConfigLoader", Set.of("broker", "worker")),
      Map.entry("TaskDefinition", Set.of("internal")),
      Map.entry("TaskRegistry", Set.of("internal")),
      Map.entry("TaskContext", Set.of("internal")),
      Map.entry("TaskRef", Set.of("protocol", "result")),
      Map.entry("TaskFailedException", Set.of("result")),
      Map.entry("Signature", Set.of("canvas", "protocol")),
      Map.entry("Group", Set.of("canvas")),
      Map.entry("Canvas", Set.of("canvas")),
      Map.entry("TaskCall", Set.of("canvas", "protocol")),
      Map.entry("Batch", Set.of("broker")));

  private static final JavaClasses CORE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages(ROOT);

  /**
   * With the root package a slice of its own, there is no cycle but through an entry point: a new dependency of the
   * vocabulary on a sub-package, or of one sub-package on another that closes a loop, fails here.
   */
  @Test
  void rootAndSubPackagesAreFreeOfCyclesButThroughTheEntryPoints() {
    slices().assignedFrom(new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
        if (javaClass.getPackageName().equals(ROOT)) {
          return ENTRY_POINTS.containsKey(topLevelName(javaClass)) ? SliceIdentifier.ignore()
              : SliceIdentifier.of("dev.celeriac (vocabulary)");
        }
        return javaClass.getPackageName().startsWith(ROOT + ".") ? SliceIdentifier.of(javaClass.getPackageName())
            : SliceIdentifier.ignore();
      }

      @Override
      public String getDescription() {
        return "the root package without its entry points, and each sub-package";
      }
    }).should().beFreeOfCycles().check(CORE);
  }

  @Test
  void rootTypesUseOnlyTheSubPackagesTheirEntryAllows() {
    classes().that().resideInAPackage(ROOT).should(useOnlyAllowedSubPackages()).check(CORE);
  }

  /** An entry that is no longer needed, or a package it no longer uses, is taken off the list. */
  @Test
  void everyEntryPointStillUsesEveryPackageItIsAllowed() {
    Map<String, Set<String>> used = new TreeMap<>();
    for (JavaClass javaClass : CORE) {
      if (javaClass.getPackageName().equals(ROOT)) {
        for (Dependency dependency : javaClass.getDirectDependenciesFromSelf()) {
          String target = subPackage(dependency.getTargetClass());
          if (target != null) {
            used.computeIfAbsent(topLevelName(javaClass), name -> new TreeSet<>()).add(target);
          }
        }
      }
    }
    Map<String, Set<String>> allowed = new TreeMap<>();
    ENTRY_POINTS.forEach((name, packages) -> allowed.put(name, new TreeSet<>(packages)));
    assertEquals(allowed, used);
  }

  @Test
  void coreNamesNoBrokerModule() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.celeriac.broker.redis..",
        "dev.celeriac.broker.amqp..", "dev.celeriac.result.redis..", "dev.celeriac.result.rpc..", "dev.celeriac.cli..",
        "redis.clients..", "com.rabbitmq..", "picocli..", "io.prometheus..", "io.micrometer.prometheusmetrics..")
        .check(CORE);
  }

  private static ArchCondition<JavaClass> useOnlyAllowedSubPackages() {
    return new ArchCondition<>("use only the sub-packages their entry in ENTRY_POINTS allows, or the rules") {
      @Override
      public void check(JavaClass javaClass, ConditionEvents events) {
        Set<String> allowed = ENTRY_POINTS.getOrDefault(topLevelName(javaClass), Set.of());
        for (Dependency dependency : javaClass.getDirectDependenciesFromSelf()) {
          String target = subPackage(dependency.getTargetClass());
          if (target != null && !allowed.contains(target)) {
            events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
          }
        }
      }
    };
  }

  /** The sub-package of core that {@code target} lives in, relative to the root; null for the root, rules and the rest. */
  private static String subPackage(JavaClass target) {
    String name = target.getPackageName();
    if (!name.startsWith(ROOT + ".") || name.equals(RULES) || name.startsWith(RULES + ".")) {
      return null;
    }
    return name.substring(ROOT.length() + 1);
  }

  private static String topLevelName(JavaClass javaClass) {
    String simple = javaClass.getName().substring(ROOT.length() + 1);
    int nested = simple.indexOf('$');
    return nested < 0 ? simple : simple.substring(0, nested);
  }
}
