package dev.celeriac.cli;

import picocli.CommandLine.Command;

/** {@code run}: the long-running processes. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a long-running process.",
    subcommands = {WorkerCommand.class, CronCommand.class})
final class RunCommand implements Runnable {

  @picocli.CommandLine.Spec
  private picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing process: run worker or run cron");
  }
}
