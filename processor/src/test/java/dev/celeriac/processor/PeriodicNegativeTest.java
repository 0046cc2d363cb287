package dev.celeriac.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.celeriac.processor.Compilations.acme;
import static dev.celeriac.processor.Compilations.compile;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code @Periodic}: cron expression, zone, and no required parameters. */
class PeriodicNegativeTest {

  private static JavaFileObject periodic(String annotation, String parameters) {
    return acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.tick\")",
        "  " + annotation,
        "  public static void tick(" + parameters + "@Extras Map<String, Object> extras) {}",
        "}");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "* * * *", "* * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8",
      "*/0 * * * *", "5/15 * * * *", "10-5 * * * *", "* * * FOO *", "1,,2 * * * *", "? * * * *", "@reboot",
      "@Daily", "L * * * *", "*/5 * * * MON#2"})
  void badCron(String cron) {
    JavaFileObject f = periodic("@Periodic(cron = \"" + cron + "\")", "");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.BAD_CRON.tag()).inFile(f).onLineContaining("@Periodic");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "*/5 * * * *", "0 3 * * MON-FRI", "0,30 8-18/2 1-15 JAN-jun sun", "0 0 * * 7", "59 23 31 12 0",
      "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
  void goodCron(String cron) {
    Compilation compilation = compile(periodic("@Periodic(cron = \"" + cron + "\")", ""));
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void badZoneWithNearMatch() {
    JavaFileObject f = periodic("@Periodic(cron = \"@daily\", zone = \"europe/paris\")", "");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.BAD_ZONE.tag()).inFile(f).onLineContaining("europe/paris");
    assertThat(compilation).hadErrorContaining("Did you mean Europe/Paris?");
  }

  @Test
  void unknownZone() {
    JavaFileObject f = periodic("@Periodic(cron = \"@daily\", zone = \"Mars/Olympus_Mons\")", "");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.BAD_ZONE.tag()).inFile(f).onLineContaining("Mars");
  }

  @Test
  void requiredParameterIsReportedOnTheParameter() {
    JavaFileObject f = acme("Tasks",
        "public class Tasks {",
        "  @Task(name = \"acme.tick\")",
        "  @Periodic(cron = \"@hourly\")",
        "  public static void tick(",
        "      long projectId,",
        "      @Default(\"1\") long withDefault,",
        "      Long boxed,",
        "      @Extras Map<String, Object> extras) {}",
        "}");
    Compilation compilation = compile(f);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(Message.PERIODIC_REQUIRED_PARAMETER.tag()).inFile(f)
        .onLineContaining("long projectId");
    assertThat(compilation).hadErrorContaining("scheduled runs carry no arguments");
  }
}
