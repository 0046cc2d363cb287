package dev.celeriac;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a {@link Task} on a schedule, enqueued by the {@code run cron} process.
 *
 * <p>The processor requires it on a {@code @Task} method, with a valid cron expression and time zone, and
 * without required parameters (a primitive without {@link Default}): a scheduled message carries no
 * arguments.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Periodic {

  /**
   * A standard five-field cron expression (minute, hour, day of month, month, day of week), for example
   * <code>"*&#47;5 * * * *"</code>, or one of the macros {@code @yearly}, {@code @annually}, {@code @monthly},
   * {@code @weekly}, {@code @daily}, {@code @midnight}, {@code @hourly}.
   */
  String cron();

  /** The time zone the expression is read in, as a {@link java.time.ZoneId} such as {@code "Europe/Paris"}. */
  String zone() default "UTC";
}
