package dev.celeriac.cli;

import dev.celeriac.testsupport.Waits;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The command line in a process of its own, as an operator runs it: {@code java dev.celeriac.cli.Main ...} on
 * this test run's class path (the fixtures' task index included), output to a file the test reads. Ended
 * only through its own handle, never by name.
 */
final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final Path output;

  private ChildJvm(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /** Starts {@code celeriac <args>} with {@code properties} as {@code -D} flags and {@code env} added. */
  static ChildJvm start(Path dir, String name, Map<String, String> properties, Map<String, String> env,
      String... args) throws IOException {
    return start(List.of(), dir, name, properties, env, args);
  }

  /**
   * As {@link #start}, with SIGINT at its default disposition, as a command run in a terminal has it. A
   * background job of a non-interactive shell starts with SIGINT ignored, children inherit that, and the JVM
   * then leaves it ignored; GNU env resets it before it runs java in its own place (the pid stays).
   */
  static ChildJvm startWithDefaultSigint(Path dir, String name, Map<String, String> properties,
      Map<String, String> env, String... args) throws IOException {
    return start(List.of("env", "--default-signal=INT"), dir, name, properties, env, args);
  }

  private static ChildJvm start(List<String> launcher, Path dir, String name, Map<String, String> properties,
      Map<String, String> env, String... args) throws IOException {
    Files.createDirectories(dir);
    Path output = dir.resolve(name + ".log");
    List<String> command = new ArrayList<>(launcher);
    command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
    command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
    properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(output.toFile());
    builder.environment().remove("BROKER_URL");
    builder.environment().remove("CELERIAC_CONF");
    builder.environment().putAll(env);
    return new ChildJvm(builder.start(), output);
  }

  /** What a command that ran to its end printed, on each stream, and its exit code. */
  record Finished(int exit, String out, String err) {}

  /**
   * Runs {@code celeriac <args>} to its end with the logging of the sample's jar (info), standard output and
   * error kept apart; fails if it runs longer than {@code timeout}.
   */
  static Finished runToExit(Path dir, String name, Duration timeout, String... args)
      throws IOException, InterruptedException {
    return runToExit(dir, name, timeout, Map.of(), args);
  }

  /** As {@link #runToExit(Path, String, Duration, String...)}, with {@code env} added to the environment. */
  static Finished runToExit(Path dir, String name, Duration timeout, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    return runToExitOn(System.getProperty("java.class.path"), dir, name, timeout, env, args);
  }

  /**
   * This test run's class path without its test classes and resources, its own and the modules' test jars that
   * hold the fixtures: the runtime and its dependencies, as a user's worker has them when the processor was left
   * out of the build (no task index).
   */
  static String classPathWithoutTests() {
    return java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("test-classes" + File.separator)
            && !entry.endsWith("-tests.jar"))
        .collect(java.util.stream.Collectors.joining(File.pathSeparator));
  }

  /** As {@link #runToExit(Path, String, Duration, Map, String...)}, on {@code classPath}. */
  static Finished runToExitOn(String classPath, Path dir, String name, Duration timeout, Map<String, String> env,
      String... args) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    List<String> command = new ArrayList<>(List.of(
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
        "-cp", classPath, "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().remove("BROKER_URL");
    builder.environment().remove("CELERIAC_CONF");
    builder.environment().putAll(env);
    Process process = builder.start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("celeriac " + String.join(" ", args) + " did not exit within " + timeout);
      }
    } finally {
      process.destroyForcibly();
    }
    return new Finished(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** Everything the process wrote so far. */
  String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  /** Waits until the output contains {@code text}; fails with the output if the process ends or time runs out. */
  void awaitOutput(String text, Duration timeout) {
    Waits.await("'" + text + "' in the output", timeout, () -> {
      if (output().contains(text)) {
        return true;
      }
      if (!process.isAlive()) {
        throw new AssertionError("the process ended (exit " + process.exitValue() + ") before printing '" + text
            + "':\n" + output());
      }
      return false;
    }, () -> "\n" + output());
  }

  /** Sends SIGTERM, as an orchestrator stopping a container does. */
  void terminate() {
    process.destroy();
  }

  /** Sends SIGINT, as Ctrl-C in a terminal does: by pid, with kill(1). */
  void interrupt() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).redirectErrorStream(true).start();
    String said = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (kill.waitFor() != 0) {
      throw new AssertionError("kill -INT " + process.pid() + " failed: " + said);
    }
  }

  /** Waits for the exit code; fails with the output if the process is still running after {@code timeout}. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the process did not exit within " + timeout + ":\n" + output());
    }
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
