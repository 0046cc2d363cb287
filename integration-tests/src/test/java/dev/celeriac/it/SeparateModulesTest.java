package dev.celeriac.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.DuplicateTaskException;
import dev.celeriac.EnqueueOptions;
import dev.celeriac.TaskDefinition;
import dev.celeriac.TaskRegistry;
import dev.celeriac.testsupport.Waits;
import dev.celeriac.worker.Outcome;
import dev.celeriac.worker.Worker;
import dev.celeriac.worker.WorkerOptions;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two modules compiled separately, each with its own generated task index, put on one class path: the
 * runtime finds both without any list of modules, and a task name declared by both fails at start-up
 * naming both origins.
 */
class SeparateModulesTest {

  private static final String BILLING = """
      package com.acme.billing;

      import dev.celeriac.Extras;
      import dev.celeriac.Kwarg;
      import dev.celeriac.Task;
      import java.util.Map;

      public final class BillingTasks {
        public static final java.util.List<String> RUNS = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Task(name = "billing.charge", queue = "billing")
        public static void charge(@Kwarg("invoice_id") long invoiceId, @Extras Map<String, Object> kwargs) {
          RUNS.add("charge " + invoiceId);
        }
      }
      """;

  private static final String MAIL = """
      package com.acme.mail;

      import dev.celeriac.Default;
      import dev.celeriac.Extras;
      import dev.celeriac.Task;
      import java.util.Map;

      public final class MailTasks {
        public static final java.util.List<String> RUNS = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Task(name = "mail.send_receipt", queue = "mail")
        public static void sendReceipt(String to, @Default("1") int copies, @Extras Map<String, Object> kwargs) {
          RUNS.add("receipt to " + to + " x" + copies);
        }
      }
      """;

  private static final String MAIL_CLASHING = """
      package com.acme.mail2;

      import dev.celeriac.Extras;
      import dev.celeriac.Task;
      import java.util.Map;

      public final class OtherTasks {
        @Task(name = "billing.charge")
        public static void chargeAgain(Long invoiceId, @Extras Map<String, Object> kwargs) {}
      }
      """;

  /** Another module with a class in billing's package that declares billing's task name. */
  private static final String REFUNDS_CLASHING = """
      package com.acme.billing;

      import dev.celeriac.Extras;
      import dev.celeriac.Task;
      import java.util.Map;

      public final class RefundTasks {
        @Task(name = "billing.charge", queue = "billing")
        public static void chargeBack(Long invoiceId, @Extras Map<String, Object> kwargs) {}
      }
      """;

  @TempDir
  Path dir;

  @Test
  void workerFindsTheIndexesOfSeparatelyCompiledModules() throws Exception {
    Path billing = ModuleCompiler.compile(dir.resolve("billing"), Map.of("com/acme/billing/BillingTasks.java", BILLING));
    Path mail = ModuleCompiler.compile(dir.resolve("mail"), Map.of("com/acme/mail/MailTasks.java", MAIL));
    assertTrue(Files.exists(billing.resolve("META-INF/services/dev.celeriac.internal.TaskIndex")));
    assertTrue(Files.exists(mail.resolve("META-INF/celeriac/tasks.json")));

    try (URLClassLoader loader = loaderOf(billing, mail)) {
      TaskRegistry registry = TaskRegistry.load(loader);
      // The loader also sees this module's own test tasks (other tests' index): look only at the two modules.
      assertEquals(List.of("billing.charge", "mail.send_receipt"), registry.tasks().stream()
          .map(TaskDefinition::name).filter(name -> name.startsWith("billing.") || name.startsWith("mail.")).toList());

      try (Celeriac app = Celeriac.create(CeleriacConfig.builder()
          .brokerUrl("memory://modules-" + UUID.randomUUID()).registry(registry).build())) {
        app.send("billing.charge", List.of(), Map.of("invoice_id", 17), EnqueueOptions.DEFAULTS);
        app.send("mail.send_receipt", List.of("ada@example.com"), Map.of(), EnqueueOptions.DEFAULTS);
        Worker worker = app.worker(WorkerOptions.builder().queues(List.of("billing", "mail")).concurrency(2).build())
            .start();
        Waits.await("both tasks to succeed", Duration.ofSeconds(20), () -> worker.count(Outcome.SUCCEEDED) >= 2,
            () -> "succeeded " + worker.count(Outcome.SUCCEEDED));
        worker.stop();
        assertEquals(List.of("billing", "mail"), worker.queues());
        assertEquals(2, worker.count(Outcome.SUCCEEDED));
      }
      assertEquals(List.of("charge 17"), runs(loader, "com.acme.billing.BillingTasks"));
      assertEquals(List.of("receipt to ada@example.com x1"), runs(loader, "com.acme.mail.MailTasks"));
    }
  }

  @Test
  void duplicateNameAcrossModulesFailsAtStartUpNamingBoth() throws Exception {
    Path billing = ModuleCompiler.compile(dir.resolve("billing"), Map.of("com/acme/billing/BillingTasks.java", BILLING));
    Path other = ModuleCompiler.compile(dir.resolve("other"), Map.of("com/acme/mail2/OtherTasks.java", MAIL_CLASHING));

    try (URLClassLoader loader = loaderOf(billing, other)) {
      DuplicateTaskException e = assertThrows(DuplicateTaskException.class, () -> TaskRegistry.load(loader));
      String message = e.getMessage();
      assertTrue(message.startsWith("task name 'billing.charge' is declared twice"), message);
      assertTrue(message.contains("com.acme.billing.BillingTasks#charge"), message);
      assertTrue(message.contains("com.acme.mail2.OtherTasks#chargeAgain"), message);
      assertTrue(message.contains(billing.toString()), message);
      assertTrue(message.contains(other.toString()), message);

      ClassLoader previous = Thread.currentThread().getContextClassLoader();
      Thread.currentThread().setContextClassLoader(loader);
      try {
        assertThrows(DuplicateTaskException.class, () -> Celeriac.connect("memory://dup-" + UUID.randomUUID()));
      } finally {
        Thread.currentThread().setContextClassLoader(previous);
      }
    }
  }

  @Test
  void duplicateNameAcrossModulesOfOnePackageFailsAtStartUpNamingBoth() throws Exception {
    // Same package, same task names: the index class names must still differ, or one index hides the other.
    Path billing = ModuleCompiler.compile(dir.resolve("billing"), Map.of("com/acme/billing/BillingTasks.java", BILLING));
    Path refunds = ModuleCompiler.compile(dir.resolve("refunds"),
        Map.of("com/acme/billing/RefundTasks.java", REFUNDS_CLASHING));

    try (URLClassLoader loader = loaderOf(billing, refunds)) {
      DuplicateTaskException e = assertThrows(DuplicateTaskException.class, () -> TaskRegistry.load(loader));
      String message = e.getMessage();
      assertTrue(message.startsWith("task name 'billing.charge' is declared twice"), message);
      assertTrue(message.contains("com.acme.billing.BillingTasks#charge"), message);
      assertTrue(message.contains("com.acme.billing.RefundTasks#chargeBack"), message);
      assertTrue(message.contains(billing.toString()), message);
      assertTrue(message.contains(refunds.toString()), message);
    }
  }

  @Test
  void oneIndexClassFromTwoClassPathRootsFailsAtStartUpNamingBoth() throws Exception {
    // Two builds of one module (billing-1.0.jar and billing-1.1.jar, say): ServiceLoader would load the index
    // class once, from the first root, and silently ignore whatever the second one holds.
    Path first = ModuleCompiler.compile(dir.resolve("billing-1"), Map.of("com/acme/billing/BillingTasks.java", BILLING));
    Path second = ModuleCompiler.compile(dir.resolve("billing-2"), Map.of("com/acme/billing/BillingTasks.java", BILLING));
    String index = Files.readString(first.resolve("META-INF/services/dev.celeriac.internal.TaskIndex")).strip();

    try (URLClassLoader loader = loaderOf(first, second)) {
      DuplicateTaskException e = assertThrows(DuplicateTaskException.class, () -> TaskRegistry.load(loader));
      String message = e.getMessage();
      assertTrue(message.startsWith("task index " + index + " is registered twice"), message);
      assertTrue(message.contains(first.toString()), message);
      assertTrue(message.contains(second.toString()), message);
    }
  }

  private static URLClassLoader loaderOf(Path... roots) throws Exception {
    URL[] urls = new URL[roots.length];
    for (int i = 0; i < roots.length; i++) {
      urls[i] = roots[i].toUri().toURL();
    }
    return new URLClassLoader(urls, SeparateModulesTest.class.getClassLoader());
  }

  @SuppressWarnings("unchecked")
  private static List<String> runs(ClassLoader loader, String type) throws Exception {
    return List.copyOf((List<String>) loader.loadClass(type).getField("RUNS").get(null));
  }
}
