package dev.celeriac.it;

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
 * {@code dev.celeriac.cli.Main run worker} in its own JVM on a snapshot of this test's class path (see
 * {@link TestRuns#snapshotClassPath}), so it runs the tests' tasks through their generated index. Output
 * (both streams) goes to a log file. Ended only by its own handle, never by name.
 */
public final class WorkerProcess implements AutoCloseable {

  public final String name;
  public final Process process;
  public final Path log;

  private WorkerProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts a worker on {@code classPath} with {@code CELERIAC_CONF=conf}. */
  public static WorkerProcess start(Path dir, String name, String classPath, Path conf, String... workerArgs)
      throws IOException {
    return start(dir, name, classPath, conf, Map.of(), workerArgs);
  }

  /** Starts a worker on {@code classPath} with {@code CELERIAC_CONF=conf} and {@code env} added. */
  public static WorkerProcess start(Path dir, String name, String classPath, Path conf, Map<String, String> env,
      String... workerArgs) throws IOException {
    List<String> command = new ArrayList<>(List.of(javaBinary(), "-XX:+UseSerialGC",
        "-cp", classPath,
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
        "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "dev.celeriac.cli.Main", "run", "worker"));
    command.addAll(List.of(workerArgs));
    Path log = dir.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().remove("BROKER_URL");
    builder.environment().put("CELERIAC_CONF", conf.toString());
    builder.environment().putAll(env);
    return new WorkerProcess(name, builder.start(), log);
  }

  private static String javaBinary() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }

  public long pid() {
    return process.pid();
  }

  /** Waits until the worker logged that it consumes, failing with its log if it died first. */
  public WorkerProcess awaitConsuming(Duration timeout) {
    Waits.await(name + " to start consuming", timeout, () -> {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + TestRuns.tail(log, 40));
      }
      return logText().contains("Worker consuming");
    }, () -> TestRuns.tail(log, 20));
    return this;
  }

  public String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * SIGKILL: {@link Process#destroyForcibly()} on a process started by {@link ProcessBuilder} is
   * {@code kill(pid, SIGKILL)} on Linux (ProcessHandleImpl.destroy0 with force = true), which Java reports
   * as exit value 128 + 9 = 137; the caller asserts that value as the evidence. Returns the exit value.
   */
  public int killHard() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " (pid " + pid() + ") survived SIGKILL for 30 s");
    }
    return process.exitValue();
  }

  /** SIGTERM (a graceful {@code run worker} stop); returns the exit value. */
  public int stopGracefully(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " did not stop within " + timeout.toSeconds() + " s of SIGTERM:\n"
          + TestRuns.tail(log, 40));
    }
    return process.exitValue();
  }

  /** SIGKILL if still alive (for finally blocks). */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
