package dev.celeriac;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value a task parameter takes when a message lacks its keyword, which makes the parameter optional.
 * This is how a new argument ships safely: messages from the previous deploy do not carry it.
 *
 * <p>The processor parses the value against the parameter's type at compile time and fails the build if
 * it does not fit: {@code true}/{@code false} for booleans; a decimal literal within range for integral
 * types (no suffix); a decimal number for {@code float}/{@code double}; exactly one character for
 * {@code char}; any text for {@code String}; a constant name for an enum; a JSON array of such values for a
 * {@code List}, for example {@code "[1, 2]"} or {@code "[\"a\"]"}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.PARAMETER)
public @interface Default {

  /** The default, written as described on the annotation. */
  String value();
}
