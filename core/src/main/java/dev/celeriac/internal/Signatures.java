package dev.celeriac.internal;

import dev.celeriac.Signature;
import dev.celeriac.TaskDefinition;

/** The {@code signature(...)} methods of generated stubs, each one call here. */
public final class Signatures {

  private Signatures() {}

  /**
   * A signature of {@code task} whose keyword arguments are {@code values}: the task's parameters from position
   * {@code from} on, in declaration order. With {@code from} 1 the first parameter is left for the previous step's
   * result in a chain, which travels as the first positional argument.
   */
  public static <R> Signature<R> of(TaskDefinition task, int from, Object... values) {
    return Signature.forTask(task, StubCall.keywords(task, from, values));
  }
}
