package dev.celeriac;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the {@code Map<String, Object>} parameter that receives every keyword argument the task method
 * does not name, the Java form of Python's {@code **kwargs}.
 *
 * <p>The processor requires exactly one such parameter on every {@link Task} method, as its last
 * parameter, typed exactly {@code Map<String, Object>}; it takes neither {@link Kwarg} nor
 * {@link Default}. A worker never fails a message because it carries a keyword this deploy does not
 * know: the keyword lands here. The map is never null and is unmodifiable.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.PARAMETER)
public @interface Extras {}
