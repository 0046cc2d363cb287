package dev.celeriac.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What every benchmark harness does with the processes it starts (workers, Python producers, PerfTest):
 * start them with their output in a log, stop them by pid on every path (SIGTERM, then SIGKILL, descendants
 * too), and read their CPU time per process and per thread; and the medians it prints.
 */
final class BenchProcesses {

  /** Every process started and not yet stopped; the shutdown hook ({@link #stopAll}) stops what is left. */
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  private BenchProcesses() {}

  /** Records a process started elsewhere, so that {@link #stopAll} stops it. */
  static Process track(Process process) {
    LIVE.add(process);
    return process;
  }

  /** Starts {@code command} with its output and errors in {@code log}, in {@code directory} if not null. */
  static Process start(List<String> command, Path log, Path directory, Consumer<Map<String, String>> environment)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    environment.accept(builder.environment());
    return track(builder.start());
  }

  /** Runs a command to its end (bounded), returns its standard output; its standard error goes to {@code log}. */
  static String runToEnd(List<String> command, Path log, Path directory, Consumer<Map<String, String>> environment,
      Duration timeout) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectError(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    environment.accept(builder.environment());
    Process process = track(builder.start());
    try {
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue() + ": "
            + tail(log));
      }
      return new String(out, StandardCharsets.UTF_8);
    } finally {
      stop(process, Duration.ofSeconds(5));
    }
  }

  static Double median(List<Double> values) {
    if (values.isEmpty()) {
      return null;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int mid = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
  }

  static String cell(List<Double> values, Double median) {
    if (median == null) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%,.0f/s (%,.0f..%,.0f)", median, Collections.min(values),
        Collections.max(values));
  }

  /** SIGTERM (graceful), then SIGKILL after {@code grace}; the same for every descendant still alive. */
  static void stop(Process process, Duration grace) {
    List<ProcessHandle> descendants = process.descendants().toList();
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
          System.out.println("      pid " + process.pid() + " ignored SIGTERM for " + grace.toSeconds()
              + " s; killing it");
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      }
      for (ProcessHandle child : descendants) {
        if (child.isAlive()) {
          child.destroy();
          child.onExit().get(5, TimeUnit.SECONDS);
        }
      }
    } catch (Exception e) {
      descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    } finally {
      descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
      LIVE.remove(process);
    }
  }

  static void stopAll() {
    for (Process process : List.copyOf(LIVE)) {
      stop(process, Duration.ofSeconds(10));
    }
  }

  /** CPU time of a process and its descendants (Celery's pool processes), in seconds. */
  static double cpuSeconds(Process process) {
    Function<ProcessHandle, Double> cpu = handle -> handle.info().totalCpuDuration()
        .map(d -> d.toNanos() / 1e9).orElse(0.0);
    double total = cpu.apply(process.toHandle());
    for (ProcessHandle child : process.descendants().toList()) {
      total += cpu.apply(child);
    }
    return total;
  }

  /** The last line of {@code log} containing {@code text}, or null. */
  static String grep(Path log, String text) {
    try {
      return Files.readAllLines(log).stream().filter(line -> line.contains(text)).reduce((a, b) -> b).orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * CPU seconds per thread name (Linux {@code /proc/<pid>/task/<tid>/comm}, digits dropped so that
   * {@code celeriac-worker-1} and {@code -2} or the GC threads add up) of the worker and its descendants.
   */
  static Map<String, Double> threadCpu(Process process) {
    Map<String, Double> cpu = new HashMap<>();
    List<ProcessHandle> all = new ArrayList<>();
    all.add(process.toHandle());
    all.addAll(process.descendants().toList());
    for (ProcessHandle handle : all) {
      Path tasks = Path.of("/proc", Long.toString(handle.pid()), "task");
      try (var stream = Files.list(tasks)) {
        for (Path task : stream.toList()) {
          try {
            String name = Files.readString(task.resolve("comm")).strip().replaceAll("[#]?\\d+$", "")
                .replaceAll("-$", "");
            String stat = Files.readString(task.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            double seconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
            cpu.merge(name, seconds, Double::sum);
          } catch (IOException | RuntimeException gone) {
            // the thread ended between listing and reading
          }
        }
      } catch (IOException | RuntimeException e) {
        return Map.of();
      }
    }
    return cpu;
  }

  static String threadBreakdown(Map<String, Double> before, Map<String, Double> after) {
    List<Map.Entry<String, Double>> deltas = new ArrayList<>();
    double total = 0;
    for (Map.Entry<String, Double> entry : after.entrySet()) {
      double delta = entry.getValue() - before.getOrDefault(entry.getKey(), 0.0);
      if (delta > 0.005) {
        deltas.add(Map.entry(entry.getKey(), delta));
        total += delta;
      }
    }
    deltas.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(7, deltas.size()); i++) {
      out.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.2f s (%.0f%%)",
          deltas.get(i).getKey(), deltas.get(i).getValue(), 100 * deltas.get(i).getValue() / total));
    }
    return out.toString();
  }

  static List<String> logProblems(Path log) {
    try {
      return Files.readAllLines(log).stream()
          .filter(line -> line.contains("ERROR") || line.contains("CRITICAL") || line.contains("Traceback")
              || line.contains("Exception") || line.contains("unregistered"))
          .toList();
    } catch (IOException e) {
      return List.of("(log unreadable: " + e.getMessage() + ")");
    }
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "?";
    }
  }
}
