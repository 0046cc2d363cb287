package dev.celeriac.cli;

import dev.celeriac.CeleriacException;
import dev.celeriac.ConfigurationException;
import dev.celeriac.DuplicateTaskException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line. Exit codes: 0 done, 1 runtime failure, 2 bad usage or configuration, each failure with
 * a one-line reason on standard error.
 */
@Command(
    name = "celeriac",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Background tasks in the shape of Celery: list tasks and queues, handle dead letters, run "
        + "workers and cron.",
    subcommands = {TasksCommand.class, QueuesCommand.class, DeadCommand.class, PurgeCommand.class,
        RunCommand.class})
public final class Main implements Runnable {

  /** Exit code for a runtime failure. */
  public static final int FAILURE = 1;
  /** Exit code for bad usage or configuration. */
  public static final int USAGE = 2;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command and returns its exit code instead of exiting. */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs a command with the given output streams and returns its exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
      boolean usage = e instanceof ConfigurationException || e instanceof DuplicateTaskException;
      String reason = e instanceof CeleriacException || e instanceof IllegalArgumentException
          ? e.getMessage()
          : e.toString();
      cmd.getErr().println("celeriac: " + oneLine(reason));
      if (!usage) {
        e.printStackTrace(cmd.getErr());
      }
      return usage ? USAGE : FAILURE;
    });
    return commandLine.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replace('\n', ' ');
  }

  /** Reads the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"celeriac " + (version == null ? "(development build)" : version)};
    }
  }
}
