package dev.celeriac.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every package lives in one module's jar: the module path refuses a package split across two jars, and a split
 * package lets one module reach another's package-private parts.
 */
class SplitPackagesTest {

  /** One class of each module that celeriac-runtime brings. */
  private static final List<String> MODULES = List.of("dev.celeriac.Celeriac", "dev.celeriac.broker.redis.RedisBroker",
      "dev.celeriac.broker.amqp.AmqpBroker", "dev.celeriac.cli.Main", "dev.celeriac.rules.CronExpression");

  @Test
  void noPackageIsInTwoModules() throws Exception {
    Map<String, Set<String>> modulesOfPackage = new TreeMap<>();
    for (String marker : MODULES) {
      Path location = Path.of(Class.forName(marker).getProtectionDomain().getCodeSource().getLocation().toURI());
      Set<String> packages = packagesIn(location);
      assertFalse(packages.isEmpty(), "no classes found in " + location);
      for (String pkg : packages) {
        modulesOfPackage.computeIfAbsent(pkg, p -> new TreeSet<>()).add(location.getFileName().toString());
      }
    }
    modulesOfPackage.values().removeIf(modules -> modules.size() < 2);
    assertEquals(Map.of(), modulesOfPackage);
  }

  /** The packages holding classes in a jar or a classes directory. */
  private static Set<String> packagesIn(Path location) throws IOException, URISyntaxException {
    if (Files.isDirectory(location)) {
      return packagesUnder(location);
    }
    try (FileSystem jar = FileSystems.newFileSystem(location)) {
      return packagesUnder(jar.getPath("/"));
    }
  }

  private static Set<String> packagesUnder(Path root) throws IOException {
    Set<String> packages = new TreeSet<>();
    try (Stream<Path> files = Files.walk(root)) {
      files.filter(file -> file.toString().endsWith(".class") && !file.toString().contains("META-INF"))
          .map(file -> root.relativize(file.getParent()).toString().replace('/', '.'))
          .forEach(packages::add);
    }
    return packages;
  }
}
