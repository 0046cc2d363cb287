package dev.celeriac;

import dev.celeriac.canvas.SignatureSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Workflows of signatures, as Celery's canvas: {@link #chain}, {@link #group} and {@link #chord}. Each is encoded
 * as Celery encodes it, so Java and Python workers run each other's steps.
 */
public final class Canvas {

  private Canvas() {}

  /**
   * Steps run one after another, each with the previous step's result prepended to its arguments (unless it is
   * {@link Signature#immutable()}). Applying it sends the first step, which carries the rest; it returns the last
   * step's task, whose result type {@code R} is the last step's: {@code Canvas.<Long>chain(...)}.
   */
  public static <R> Signature<R> chain(Signature<?>... steps) {
    if (steps.length == 0) {
      throw new IllegalArgumentException("a chain needs at least one step");
    }
    return new Signature<>(SignatureSpec.chain(specs(steps)), appOf(steps));
  }

  /** Members sent together, each in its own message under one group id. */
  public static Group group(Signature<?>... members) {
    return new Group(SignatureSpec.group(specs(members)), appOf(members));
  }

  /**
   * A group whose members' results, in order, are the first argument of {@code body}, sent by whichever worker
   * finishes the last member. Needs a result backend, where the members are counted as Celery counts them.
   */
  public static <R> Signature<R> chord(Group header, Signature<R> body) {
    return new Signature<>(SignatureSpec.chord(header.spec(), body.spec()), body.app());
  }

  private static List<SignatureSpec> specs(Signature<?>[] signatures) {
    List<SignatureSpec> out = new ArrayList<>(signatures.length);
    for (Signature<?> signature : signatures) {
      out.add(signature.spec());
    }
    return out;
  }

  private static Celeriac appOf(Signature<?>[] signatures) {
    for (Signature<?> signature : signatures) {
      if (signature.app() != null) {
        return signature.app();
      }
    }
    return null;
  }
}
