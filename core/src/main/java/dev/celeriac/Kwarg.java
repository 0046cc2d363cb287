package dev.celeriac;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The keyword a task parameter travels under in the message's {@code kwargs}, for example
 * {@code @Kwarg("project_id") long projectId}. Without it the keyword is the Java parameter name.
 *
 * <p>The processor requires a keyword usable as a Python keyword argument
 * ({@code [A-Za-z_][A-Za-z0-9_]*}) and rejects two parameters of one task with the same keyword.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.PARAMETER)
public @interface Kwarg {

  /** The keyword; must match {@code [A-Za-z_][A-Za-z0-9_]*} and be unique within the task. */
  String value();
}
