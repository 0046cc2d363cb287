package dev.celeriac.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Core's packages depend on each other without cycles, and name no broker module.
 *
 * <p>The slices are the sub-packages ({@code dev.celeriac.(**)}); the root package is not one of them. It is the
 * public API (ConfigurationException, TaskRegistry, CeleriacConfig, Celeriac) that every package uses and that
 * uses them back, so each sub-package would form a cycle with it; what the root must not do, name a broker
 * module, is {@link #coreNamesNoBrokerModule()}.
 */
class PackageCyclesTest {

  private static final JavaClasses CORE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.celeriac");

  @Test
  void corePackagesAreFreeOfCycles() {
    slices().matching("dev.celeriac.(**)").should().beFreeOfCycles().check(CORE);
  }

  @Test
  void coreNamesNoBrokerModule() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.celeriac.broker.redis..",
        "dev.celeriac.broker.amqp..", "dev.celeriac.result.redis..", "dev.celeriac.result.rpc..", "dev.celeriac.cli..",
        "redis.clients..", "com.rabbitmq..", "picocli..", "io.prometheus..", "io.micrometer.prometheusmetrics..")
        .check(CORE);
  }
}
