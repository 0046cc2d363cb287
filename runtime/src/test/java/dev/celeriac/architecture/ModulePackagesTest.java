package dev.celeriac.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The packages of every module together (rules, core, redis, amqp, cli) depend on each other without cycles,
 * the broker modules do not know each other or the command line, and the rules know nothing but the JDK. The root
 * package is core's alone (see {@link SplitPackagesTest}), and core's PackageCyclesTest keeps it out of cycles: its
 * vocabulary uses no other package, and its listed entry points only core's.
 */
class ModulePackagesTest {

  /** The main classes of every module: this module's test classes and the modules' test jars left out. */
  private static final JavaClasses ALL = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .withImportOption(location -> !location.contains("-tests.jar"))
      .importPackages("dev.celeriac");

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("dev.celeriac.(**)").should().beFreeOfCycles().check(ALL);
  }

  /** The processor shades celeriac-rules: a dependency of it would be one the processor's pom does not list. */
  @Test
  void theRulesModuleDependsOnNothingButTheJdk() {
    noClasses().that().resideInAPackage("dev.celeriac.rules..")
        .should().dependOnClassesThat().resideOutsideOfPackages("dev.celeriac.rules..", "java..")
        .check(ALL);
  }

  @Test
  void theRedisModuleKnowsNeitherRabbitMqNorTheCommandLine() {
    noClasses().that().resideInAnyPackage("dev.celeriac.broker.redis..", "dev.celeriac.result.redis..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.celeriac.broker.amqp..", "dev.celeriac.result.rpc..",
            "dev.celeriac.cli..", "com.rabbitmq..", "picocli..", "io.prometheus..")
        .check(ALL);
  }

  @Test
  void theRabbitMqModuleKnowsNeitherRedisNorTheCommandLine() {
    noClasses().that().resideInAnyPackage("dev.celeriac.broker.amqp..", "dev.celeriac.result.rpc..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.celeriac.broker.redis..",
            "dev.celeriac.result.redis..", "dev.celeriac.cli..", "redis.clients..", "picocli..", "io.prometheus..")
        .check(ALL);
  }
}
