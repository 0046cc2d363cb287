package dev.celeriac.it.interop;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.celeriac.testsupport.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Python Celery as child processes of an interop test, on one broker: the commands of
 * {@code src/test/python/interop_app.py} and a Celery worker of its app. The broker URL and any further
 * settings reach the script as environment variables. Nothing here skips: a missing interpreter or Celery
 * fails the test with what is missing.
 */
public final class PythonCelery {

  /** Debian's interpreter, which has python3-celery 5.2.6; never the pyenv one on PATH. */
  public static final String PYTHON = "/usr/bin/python3";
  public static final ObjectMapper JSON = new ObjectMapper();

  private final String brokerUrl;
  private final Map<String, String> env;

  /**
   * @param brokerUrl what {@code INTEROP_BROKER_URL} says, written as Celery writes it
   * @param env further environment variables for every child, such as {@code INTEROP_RECORDS_FILE}
   */
  public PythonCelery(String brokerUrl, Map<String, String> env) {
    this.brokerUrl = brokerUrl;
    this.env = new LinkedHashMap<>(env);
  }

  /** {@code src/test/python} of this module. */
  public static Path pythonDir() {
    Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    Path dir = base.resolve("src/test/python");
    if (!Files.isRegularFile(dir.resolve("interop_app.py"))) {
      dir = base.resolve("integration-tests/src/test/python");
    }
    if (!Files.isRegularFile(dir.resolve("interop_app.py"))) {
      fail("interop_app.py not found under " + base + "/[integration-tests/]src/test/python");
    }
    return dir.toAbsolutePath();
  }

  /** Where child process output goes: {@code target/interop-logs}. */
  public static Path logDir() {
    Path dir = pythonDir().resolve("../../../target/interop-logs").normalize();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return dir;
  }

  /** Fails unless /usr/bin/python3 imports Celery 5, kombu and each of {@code modules}. */
  public void require(String... modules) {
    if (!Files.isExecutable(Path.of(PYTHON))) {
      fail(PYTHON + " is required (Debian's python3 with python3-celery) and is missing");
    }
    StringBuilder imports = new StringBuilder("import celery, kombu");
    for (String module : modules) {
      imports.append(", ").append(module);
    }
    PythonResult result = python(Duration.ofSeconds(30), "-c",
        imports + "; assert celery.VERSION.major == 5, celery.__version__; print(celery.__version__, kombu.__version__)");
    if (result.exitCode() != 0) {
      fail(PYTHON + " cannot run Celery with " + List.of(modules) + " (install python3-celery):\n" + result.stderr());
    }
  }

  /** What a finished Python process printed. */
  public record PythonResult(int exitCode, String stdout, String stderr) {
    /** Each stdout line that is a JSON object. */
    public List<Map<String, Object>> objects() {
      List<Map<String, Object>> objects = new ArrayList<>();
      for (String line : stdout.split("\n", -1)) {
        if (line.startsWith("{")) {
          objects.add(parse(line));
        }
      }
      return objects;
    }
  }

  /** Runs {@code /usr/bin/python3 args...} in the python directory and waits for it, up to {@code timeout}. */
  public PythonResult python(Duration timeout, String... args) {
    List<String> command = new ArrayList<>();
    command.add(PYTHON);
    command.addAll(List.of(args));
    String name = "python-" + System.nanoTime();
    Path out = logDir().resolve(name + ".out");
    Path err = logDir().resolve(name + ".err");
    Process process = start(command, out, err);
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        Processes.stop(process);
        fail(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s:\n" + read(err));
      }
      return new PythonResult(process.exitValue(), read(out), read(err));
    } catch (InterruptedException e) {
      Processes.stop(process);
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Runs {@code interop_app.py command args...}, fails on a non-zero exit, returns its JSON lines. */
  public List<Map<String, Object>> command(String command, String... args) {
    PythonResult result = run(command, args);
    if (result.exitCode() != 0) {
      fail("interop_app.py " + command + " exited " + result.exitCode() + ":\n" + result.stderr() + result.stdout());
    }
    return result.objects();
  }

  /** Runs {@code interop_app.py command args...} and returns what it did, whatever its exit code. */
  public PythonResult run(String command, String... args) {
    List<String> all = new ArrayList<>();
    all.add("interop_app.py");
    all.add(command);
    all.addAll(List.of(args));
    return python(Duration.ofSeconds(30), all.toArray(String[]::new));
  }

  /**
   * Starts a Celery worker of {@code interop_app} on {@code queue}, output to {@code log}. Stop it with
   * {@link Processes#stop(Process)}.
   */
  public Process startWorker(String queue, Path log) {
    return start(List.of(PYTHON, "-m", "celery", "-A", "interop_app", "worker", "-Q", queue, "-P", "solo",
        "--without-mingle", "--without-gossip", "--without-heartbeat", "-l", "info",
        "-n", "interop-" + ProcessHandle.current().pid() + "@%h"), log, log);
  }

  /** Starts a Celery worker of the Celery app {@code module} (a file in the python directory) on {@code queue}. */
  public Process startWorker(String module, String queue, Path log) {
    return start(List.of(PYTHON, "-m", "celery", "-A", module, "worker", "-Q", queue, "-P", "solo",
        "--without-mingle", "--without-gossip", "--without-heartbeat", "-l", "info",
        "-n", module + "-" + ProcessHandle.current().pid() + "@%h"), log, log);
  }

  /**
   * Starts a Celery worker of {@code interop_app} on {@code queue} as a member of the fleet: named {@code node},
   * syncing revokes with its peers at start (mingle) and sending heartbeats. Output to {@code log}.
   */
  public Process startFleetWorker(String queue, String node, Path log) {
    return start(List.of(PYTHON, "-m", "celery", "-A", "interop_app", "worker", "-Q", queue, "-P", "solo",
        "--without-gossip", "-l", "info", "-n", node), log, log);
  }

  /**
   * Starts a Celery worker of the app {@code module} (a script in the python directory, such as {@code canvas_app})
   * on {@code queue}, with {@code concurrency} prefork processes, output to {@code log}.
   */
  public Process startWorker(String module, String queue, int concurrency, Path log) {
    return start(List.of(PYTHON, "-m", "celery", "-A", module, "worker", "-Q", queue, "-P", "prefork",
        "-c", Integer.toString(concurrency), "--without-mingle", "--without-gossip", "--without-heartbeat", "-l", "info",
        "-n", module + "-" + ProcessHandle.current().pid() + "@%h"), log, log);
  }

  /** Runs {@code script command args...} (a script in the python directory), fails on a non-zero exit. */
  public List<Map<String, Object>> script(String script, String command, String... args) {
    List<String> all = new ArrayList<>(List.of(script, command));
    all.addAll(List.of(args));
    PythonResult result = python(Duration.ofSeconds(60), all.toArray(String[]::new));
    if (result.exitCode() != 0) {
      fail(script + " " + command + " exited " + result.exitCode() + ":\n" + result.stderr() + result.stdout());
    }
    return result.objects();
  }

  /** Runs {@code celery -b <broker> args...}, Celery's own command line, and returns what it did. */
  public PythonResult celery(String... args) {
    List<String> all = new ArrayList<>(List.of("-m", "celery", "-b", brokerUrl));
    all.addAll(List.of(args));
    return python(Duration.ofSeconds(60), all.toArray(String[]::new));
  }

  /** Starts {@code interop_app.py command args...} in the background, output to {@code out}. */
  public Process startCommand(Path out, String command, String... args) {
    List<String> all = new ArrayList<>(List.of(PYTHON, "interop_app.py", command));
    all.addAll(List.of(args));
    return start(all, out, out);
  }

  private Process start(List<String> command, Path out, Path err) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(pythonDir().toFile());
    Map<String, String> environment = builder.environment();
    environment.put("INTEROP_BROKER_URL", brokerUrl);
    environment.putAll(env);
    environment.put("PYTHONPATH", pythonDir().toString());
    environment.put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ in the source tree
    environment.put("PYTHONUNBUFFERED", "1");
    environment.remove("PYTHONHOME");
    if (out.equals(err)) {
      builder.redirectErrorStream(true);
    } else {
      builder.redirectError(err.toFile());
    }
    builder.redirectOutput(out.toFile());
    try {
      return builder.start();
    } catch (IOException e) {
      throw new AssertionError("could not start " + command + ": " + e, e);
    }
  }

  public static Map<String, Object> parse(String json) {
    try {
      return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new AssertionError("not a JSON object: " + json, e);
    }
  }

  public static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  /** A value as a JSON tree, so that Java and Python numbers compare by value (Long 4 == int 4). */
  public static JsonNode jsonOf(Object value) {
    try {
      return tree(JSON.writeValueAsString(value));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  /** The last {@code lines} lines of a log file. */
  public static String tail(Path file, int lines) {
    String text = read(file);
    String[] all = text.split("\n");
    return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
  }

  public static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(unreadable " + file + ": " + e + ")";
    }
  }
}
