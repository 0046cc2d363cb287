package dev.celeriac.cli;

import dev.celeriac.CeleriacException;
import dev.celeriac.ConfigurationException;
import dev.celeriac.DuplicateTaskException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line. Exit codes: 0 done, 1 runtime failure, 2 bad usage or configuration, each failure with
 * a one-line reason on standard error, and its stack trace logged at debug level.
 */
@Command(
    name = "celeriac",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Background tasks in the shape of Celery: list tasks and queues, handle dead letters, run "
        + "workers and cron.",
    subcommands = {TasksCommand.class, QueuesCommand.class, DeadCommand.class, PurgeCommand.class,
        InspectCommand.class, ControlCommand.class, RunCommand.class})
public final class Main implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(Main.class);
  /** {@code scheme://user:} then a password up to the {@code @} of the authority. */
  private static final Pattern URL_PASSWORD = Pattern.compile("(\\b[A-Za-z][A-Za-z0-9+.-]*://[^\\s/@:]*:)[^\\s/@]+@");

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
    // The console's own encoding, as System.out and System.err use it.
    Charset console = Charset.defaultCharset();
    return run(new PrintWriter(System.out, true, console), new PrintWriter(System.err, true, console), args);
  }

  /** Runs a command with the given output streams and returns its exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
      boolean usage = e instanceof ConfigurationException || e instanceof DuplicateTaskException;
      String reason = (e instanceof CeleriacException || e instanceof IllegalArgumentException)
          && e.getMessage() != null ? e.getMessage() : e.toString();
      cmd.getErr().println("celeriac: " + withoutPasswords(oneLine(reason)));
      // The operator gets the reason; the trace is for whoever debugs Celeriac, at debug level.
      log.debug("celeriac {} failed", cmd.getCommandName(), e);
      return usage ? USAGE : FAILURE;
    });
    return commandLine.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  private static String oneLine(String text) {
    return text.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
  }

  /**
   * The reason with the password of any URL in it masked. Celeriac's own messages mask it already; this
   * guards the text of exceptions from client libraries, printed as they are.
   */
  static String withoutPasswords(String text) {
    return URL_PASSWORD.matcher(text).replaceAll("$1***@");
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
