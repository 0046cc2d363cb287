package dev.celeriac.cli;

import dev.celeriac.Celeriac;
import dev.celeriac.broker.DeadLetter;
import dev.celeriac.broker.DeadLetterStore;
import dev.celeriac.broker.QueueAdministration;
import dev.celeriac.protocol.ProtocolOneBody;
import dev.celeriac.protocol.TaskMessage;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dead list|requeue|purge}: the messages workers could not run, kept with their reasons. */
@Command(name = "dead", mixinStandardHelpOptions = true,
    description = "Inspect, replay or drop dead letters: messages a worker could not run (unknown task, bad "
        + "arguments, undecodable, failed for good), kept unchanged with the reason.",
    subcommands = {DeadCommand.ListDead.class, DeadCommand.RequeueDead.class, DeadCommand.PurgeDead.class})
final class DeadCommand implements Runnable {

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing action: dead list, dead requeue or dead purge");
  }

  /** The content type of a pickle body, which nothing here ever reads. */
  private static final String PICKLE = "application/x-python-serialize";

  /** {@code dead list}: each dead letter with when, what and why, oldest first. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Show dead letters, oldest first: when, task and id, the reason, and the arguments.")
  static final class ListDead implements Callable<Integer> {

    @Mixin
    private QueueSelection queues;

    @Mixin
    private BrokerOption broker;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "100",
        description = "At most N per queue. Default: ${DEFAULT-VALUE}.")
    private int limit;

    @Option(names = "--raw", description = "Print each stored message as it arrived (one JSON envelope per line).")
    private boolean raw;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      if (limit < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be at least 1, was " + limit);
      }
      PrintWriter out = spec.commandLine().getOut();
      try (Celeriac app = Celeriac.create(broker.loadTryingOnce())) {
        long shown = 0;
        long total = 0;
        DeadLetterStore store = app.broker().deadLetters();
        for (String queue : queues.resolve(app.broker(), app.registry())) {
          long count = store.count(queue);
          if (count == 0) {
            continue;
          }
          total += count;
          List<DeadLetter> letters = store.list(queue, limit);
          shown += letters.size();
          if (!raw) {
            out.println(queue + ": " + count + " dead letter" + (count == 1 ? "" : "s")
                + (letters.size() < count ? ", the oldest " + letters.size() + " shown" : ""));
          }
          for (DeadLetter letter : letters) {
            if (raw) {
              out.println(new String(letter.raw(), StandardCharsets.UTF_8));
            } else {
              describe(out, letter);
            }
          }
        }
        if (!raw) {
          out.println(total == 0 ? "No dead letters" : shown + " of " + total + " dead letters shown");
        }
      }
      return 0;
    }

    private static void describe(PrintWriter out, DeadLetter letter) {
      Optional<TaskMessage> decoded = letter.message();
      String what;
      String arguments = null;
      if (decoded.isEmpty()) {
        what = "(undecodable, " + letter.raw().length + " bytes)";
      } else if (decoded.get().task() != null) {
        TaskMessage message = decoded.get();
        what = message.task() + "[" + message.id() + "]";
        Object args = message.headers().get("argsrepr");
        Object kwargs = message.headers().get("kwargsrepr");
        if (args != null || kwargs != null) {
          arguments = (args == null ? "" : args) + " " + (kwargs == null ? "" : kwargs);
        }
      } else {
        // Not protocol 2, so never run: show what can be read without running anything.
        TaskMessage message = decoded.get();
        Optional<ProtocolOneBody> v1 = ProtocolOneBody.read(message);
        if (v1.isPresent()) {
          what = v1.get().task() + "[" + v1.get().id() + "] (protocol 1)";
          arguments = v1.get().argsRepr() + " " + v1.get().kwargsRepr();
        } else {
          what = "(no task header: " + (PICKLE.equals(message.contentType()) ? "a pickle"
              : message.contentType() == null ? "a" : "an " + message.contentType()) + " body of "
              + message.bodyLength() + " bytes" + (PICKLE.equals(message.contentType()) ? ", never unpickled" : "")
              + ")";
        }
      }
      out.println("  " + letter.deadAt().truncatedTo(ChronoUnit.MILLIS) + "  " + what);
      out.println("    reason     " + letter.reason());
      if (arguments != null) {
        out.println("    arguments  " + arguments);
      }
      decoded.filter(message -> message.retries() > 0)
          .ifPresent(message -> out.println("    retries    " + message.retries()));
    }
  }

  /**
   * What {@code dead requeue} and {@code dead purge} share: one action on every selected queue's dead letters,
   * a line per queue it touched and the total.
   */
  abstract static class EveryQueue implements Callable<Integer> {

    @Mixin
    private QueueSelection queues;

    @Mixin
    private BrokerOption broker;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Does the action on {@code queue}; returns how many dead letters it moved or dropped. */
    abstract long act(DeadLetterStore store, String queue);

    /** The line for {@code count} dead letters of {@code queue}, such as "requeued 2 dead letters onto q". */
    abstract String done(long count, String queue);

    /** The verb of the total line. */
    abstract String verb();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Celeriac app = Celeriac.create(broker.loadTryingOnce())) {
        long total = 0;
        QueueAdministration admin = app.broker();
        for (String queue : queues.resolve(admin, app.registry())) {
          long count = act(admin.deadLetters(), queue);
          if (count > 0) {
            out.println(done(count, queue));
          }
          total += count;
        }
        out.println(verb() + " " + total + " in all");
      }
      return 0;
    }

    static String letters(long count) {
      return count + " dead letter" + (count == 1 ? "" : "s");
    }
  }

  /** {@code dead requeue}: puts dead letters back on their queues, unchanged. */
  @Command(name = "requeue", mixinStandardHelpOptions = true,
      description = "Put every dead letter back on its queue, unchanged, to run again (fix the cause first: a "
          + "deploy that knows the task or its arguments).")
  static final class RequeueDead extends EveryQueue {
    @Override
    long act(DeadLetterStore store, String queue) {
      return store.requeue(queue);
    }

    @Override
    String done(long count, String queue) {
      return "requeued " + letters(count) + " onto " + queue;
    }

    @Override
    String verb() {
      return "requeued";
    }
  }

  /** {@code dead purge}: drops dead letters. */
  @Command(name = "purge", mixinStandardHelpOptions = true, description = "Drop dead letters for good.")
  static final class PurgeDead extends EveryQueue {
    @Override
    long act(DeadLetterStore store, String queue) {
      return store.purge(queue);
    }

    @Override
    String done(long count, String queue) {
      return "dropped " + letters(count) + " of " + queue;
    }

    @Override
    String verb() {
      return "dropped";
    }
  }
}
