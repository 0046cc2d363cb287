package dev.celeriac.internal;

import dev.celeriac.Parameter;
import dev.celeriac.TaskCall;
import dev.celeriac.TaskDefinition;
import dev.celeriac.TaskRef;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The base of a generated stub's {@code Call}: everything its typed {@code enqueue} overloads have in common, so
 * that each of them is one line. Values arrive in the order of the task's parameters and travel under their
 * keywords, which the {@link TaskDefinition} already holds: a stub spells no keyword, no map and no option itself.
 * Every enqueue of a stub goes through here, so what a stub compiles to stays small; the processor's compile cost
 * is mostly that of the code it generates.
 *
 * @param <C> the generated {@code Call}, so that options chain
 * @param <R> the task's result type, {@code Void} for {@code void}
 */
public abstract class StubCall<C extends StubCall<C, R>, R> extends TaskCall<C> {

  protected StubCall(TaskDefinition definition) {
    super(definition);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected final C self() {
    return (C) this;
  }

  /**
   * Enqueues the task's first {@code values.length} parameters, in declaration order, and no extra keyword; the
   * parameters after them send no keyword, so the worker applies their {@code @Default}, or null.
   */
  protected final TaskRef<R> values(Object... values) {
    return sendLeading(values);
  }

  /**
   * Enqueues every parameter of the task, in declaration order, plus {@code extras}; an extras key that names a
   * parameter is refused, since the typed argument already says it.
   */
  protected final TaskRef<R> valuesAndExtras(Map<String, Object> extras, Object... values) {
    return send(keywords(definition(), 0, values), extras);
  }

  /**
   * The keyword arguments of {@code values}, which are the task's parameters from position {@code from} on, in
   * declaration order.
   *
   * @throws IllegalArgumentException when there are more values than parameters
   */
  static Map<String, Object> keywords(TaskDefinition task, int from, Object[] values) {
    List<Parameter> parameters = task.parameters();
    if (from + values.length > parameters.size()) {
      throw new IllegalArgumentException(values.length + " values from parameter " + from + " for task '"
          + task.name() + "', which takes " + parameters.size());
    }
    Map<String, Object> kwargs = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      kwargs.put(parameters.get(from + i).keyword(), values[i]);
    }
    return kwargs;
  }
}
