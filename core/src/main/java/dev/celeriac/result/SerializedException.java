package dev.celeriac.result;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An exception as Celery's JSON result backends store it ({@code Backend.prepare_exception}):
 * {@code {"exc_type": ..., "exc_message": [...], "exc_module": ...}}.
 *
 * <p>A Java exception is stored with its class's name inside its package as {@code exc_type} (nested classes
 * joined by dots, as Python's {@code __qualname__}) and its package as {@code exc_module}, for example
 * {@code IllegalStateException} in {@code java.lang}. Python's Celery looks {@code exc_module} up in
 * {@code sys.modules} only; not finding it, it makes an exception class of that name in
 * {@code celery.exceptions}, so {@code AsyncResult.get()} raises
 * {@code celery.exceptions.IllegalStateException('boom')}: the Java type's name and message.
 *
 * @param type {@code exc_type}
 * @param arguments {@code exc_message}: the exception's arguments (for a Java exception, its message alone)
 * @param module {@code exc_module}, or null
 */
public record SerializedException(String type, List<Object> arguments, String module) {

  public SerializedException {
    Objects.requireNonNull(type);
    arguments = arguments == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(arguments));
  }

  /** Celery's own exceptions, as a Celery worker stores them. */
  public static SerializedException celery(String type, String message) {
    return new SerializedException(type, List.of(message), "celery.exceptions");
  }

  /** {@code error} in Celery's form; see the class comment. */
  public static SerializedException of(Throwable error) {
    Class<?> type = error.getClass();
    String packageName = type.getPackageName();
    String qualified = type.getName();
    String name = packageName.isEmpty() ? qualified : qualified.substring(packageName.length() + 1);
    List<Object> arguments = error.getMessage() == null ? List.of() : List.of(error.getMessage());
    return new SerializedException(name.replace('$', '.'), arguments, packageName.isEmpty() ? "__main__" : packageName);
  }

  /**
   * Reads Celery's dict; a value of another shape (an older backend's string, say) becomes an {@code Exception}
   * carrying its text.
   */
  public static SerializedException fromStored(Object stored) {
    if (stored instanceof Map<?, ?> map && map.get("exc_type") instanceof String type) {
      Object message = map.get("exc_message");
      List<Object> arguments = message instanceof List<?> list ? new ArrayList<>(list)
          : message == null ? List.of() : List.of(message);
      Object module = map.get("exc_module");
      return new SerializedException(type, arguments, module == null ? null : module.toString());
    }
    return new SerializedException("Exception", stored == null ? List.of() : List.of(String.valueOf(stored)),
        "builtins");
  }

  /** The dict as stored, in Celery's key order. */
  public Map<String, Object> toStored() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("exc_type", type);
    out.put("exc_message", arguments);
    out.put("exc_module", module);
    return out;
  }

  /** The message as one line: the single argument's text, else the arguments as Python shows a tuple. */
  public String message() {
    if (arguments.size() == 1) {
      return String.valueOf(arguments.get(0));
    }
    StringBuilder out = new StringBuilder("(");
    for (int i = 0; i < arguments.size(); i++) {
      out.append(i == 0 ? "" : ", ").append(arguments.get(i) instanceof String text ? "'" + text + "'"
          : String.valueOf(arguments.get(i)));
    }
    return out.append(")").toString();
  }

  /** {@code module.Type}, or the type alone. */
  public String qualifiedType() {
    return module == null || module.equals("builtins") ? type : module + "." + type;
  }
}
