package dev.celeriac.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The scratch of a test that starts processes: its directory under {@code target/robustness/}, the files it
 * hands them (configuration, a class path snapshot), the tails of their logs, and free ports.
 */
public final class TestRuns {

  private TestRuns() {}

  /**
   * A fresh directory under {@code target/robustness/} for one test's logs, config and broker files; kept
   * after the run so that a failure can be read from the worker and broker logs.
   */
  public static Path runDir(String test) throws IOException {
    Path dir = Path.of("target", "robustness", test + "-" + System.currentTimeMillis()).toAbsolutePath();
    return Files.createDirectories(dir);
  }

  /** Writes a Celeriac properties file for {@code CELERIAC_CONF}. */
  public static Path writeConf(Path dir, String name, Map<String, String> settings) throws IOException {
    Properties properties = new Properties();
    properties.putAll(settings);
    Path file = dir.resolve(name);
    try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      properties.store(out, "robustness test");
    }
    return file;
  }

  /** The last {@code lines} lines of a log file. */
  public static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log " + log + ": " + e + ")";
    }
  }

  /**
   * A copy of this JVM's class path under {@code dir}, for worker JVMs started during the test: they all
   * run the very classes this test JVM runs, even if a concurrent build rewrites {@code target/} or the
   * local repository while the test is running (a worker started later would otherwise load a half-written
   * jar or a different build).
   */
  public static String snapshotClassPath(Path dir) throws IOException {
    Path root = Files.createDirectories(dir.resolve("classpath"));
    List<String> copies = new ArrayList<>();
    int n = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator, -1)) {
      Path source = Path.of(entry);
      // An empty entry is no file to copy (Surefire's class path ends with a separator): Path.of("") is this directory.
      if (entry.isEmpty() || !Files.exists(source)) {
        continue;
      }
      Path target = root.resolve(n++ + "-" + source.getFileName());
      if (Files.isDirectory(source)) {
        try (var files = Files.walk(source)) {
          for (Path file : (Iterable<Path>) files::iterator) {
            Path copy = target.resolve(source.relativize(file).toString());
            if (Files.isDirectory(file)) {
              Files.createDirectories(copy);
            } else {
              Files.copy(file, copy);
            }
          }
        }
      } else {
        Files.copy(source, target);
      }
      copies.add(target.toString());
    }
    return String.join(File.pathSeparator, copies);
  }
}
