package dev.celeriac.internal;

import java.util.List;
import java.util.Map;

/** Casts that generated invokers use on arguments the runtime has already bound and type-checked. */
public final class Arguments {

  private Arguments() {}

  /** An argument of a {@code List<T>} parameter. */
  @SuppressWarnings("unchecked")
  public static <T> List<T> list(Object value) {
    return (List<T>) value;
  }

  /** The extras map argument. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> extras(Object value) {
    return (Map<String, Object>) value;
  }
}
