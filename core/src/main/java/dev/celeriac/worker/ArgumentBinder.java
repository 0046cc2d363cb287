package dev.celeriac.worker;

import dev.celeriac.Parameter;
import dev.celeriac.TaskDefinition;
import dev.celeriac.protocol.TaskPayload;
import dev.celeriac.protocol.TypedValues;
import dev.celeriac.protocol.ValueConversionException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds a message's arguments to a task's parameters: positional {@code args} in declaration order, then
 * {@code kwargs} by keyword; keywords the task does not name go to the extras map. Every value is
 * converted to the parameter's exact Java type, or the message is refused with the keyword named.
 */
public final class ArgumentBinder {

  private ArgumentBinder() {}

  /**
   * The invoker's arguments: one per parameter (boxed for primitives), then the unmodifiable extras map.
   *
   * @throws ArgumentException naming every argument that is missing or does not convert
   */
  public static Object[] bind(TaskDefinition task, TaskPayload payload) {
    List<Parameter> parameters = task.parameters();
    List<Object> args = payload.args();
    if (args.size() > parameters.size()) {
      throw new ArgumentException(args.size() + " positional arguments for task '" + task.name() + "', which takes "
          + parameters.size() + " (" + keywords(parameters) + ")");
    }
    Object[] bound = new Object[parameters.size() + 1];
    Map<String, Object> extras = new LinkedHashMap<>(payload.kwargs());
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < parameters.size(); i++) {
      Parameter parameter = parameters.get(i);
      boolean positional = i < args.size();
      boolean keyword = extras.containsKey(parameter.keyword());
      if (positional && keyword) {
        problems.add("argument '" + parameter.keyword() + "' is given both by position and by keyword");
        continue;
      }
      Object raw = positional ? args.get(i) : extras.remove(parameter.keyword());
      boolean present = positional || keyword;
      try {
        bound[i] = valueFor(parameter, present, raw);
      } catch (ArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new ArgumentException(String.join("; ", problems));
    }
    bound[parameters.size()] = Collections.unmodifiableMap(extras);
    return bound;
  }

  private static Object valueFor(Parameter parameter, boolean present, Object raw) {
    if (!present) {
      if (parameter.hasDefault()) {
        return parameter.defaultValue();
      }
      if (parameter.isRequired()) {
        throw new ArgumentException("missing required argument '" + parameter.keyword() + "' ("
            + parameter.type() + ")");
      }
      return null;
    }
    if (raw == null) {
      // An explicit None binds as null, as in Python; only a primitive falls back to its default.
      if (!parameter.type().isPrimitive()) {
        return null;
      }
      if (parameter.hasDefault()) {
        return parameter.defaultValue();
      }
      throw new ArgumentException("argument '" + parameter.keyword() + "' is null, but " + parameter.type()
          + " can't be null");
    }
    try {
      return TypedValues.convert(raw, parameter.type(), parameter.keyword());
    } catch (ValueConversionException e) {
      throw new ArgumentException(e.getMessage());
    }
  }

  private static String keywords(List<Parameter> parameters) {
    List<String> names = new ArrayList<>();
    for (Parameter parameter : parameters) {
      names.add(parameter.keyword());
    }
    return String.join(", ", names);
  }
}
