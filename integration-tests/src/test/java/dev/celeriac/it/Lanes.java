package dev.celeriac.it;

/**
 * The shared things integration test classes lock ({@code @ResourceLock}), so that the suite runs two classes at a
 * time without two of them touching the same state ({@code junit-platform.properties} turns on concurrent classes).
 *
 * <p>A class locks each shared broker it uses: the databases of the shared Redis and its own private servers (the
 * sentinel cluster's ports are fixed), or the {@code celeriac-it} vhosts of the shared RabbitMQ and the private
 * RabbitMQ nodes (whose node names and ports are fixed). Classes of one broker therefore run one after the other, as
 * the whole suite did before, and a Redis class runs beside a RabbitMQ one; a class that uses both (a RabbitMQ
 * canvas with its Redis result backend, say) waits for both. Classes on {@code memory://} lock neither, and run
 * beside anything, unless they set the process-wide default app. Classes whose tasks record their runs in a
 * static list of this JVM lock that list too, whichever broker they use.
 */
public final class Lanes {

  /** The shared Redis's databases and every private Redis or sentinel server. */
  public static final String REDIS = "celeriac-it:redis";
  /** The shared RabbitMQ's {@code celeriac-it} vhosts and every private RabbitMQ node or cluster. */
  public static final String RABBITMQ = "celeriac-it:rabbitmq";
  /** What {@code InteropTasks} records of the runs in this JVM: one static list, cleared by each test. */
  public static final String INTEROP_TASKS = "celeriac-it:interop-tasks";
  /** What {@code CanvasTasks} records of the runs in this JVM: one static list, cleared by each test. */
  public static final String CANVAS_TASKS = "celeriac-it:canvas-tasks";
  /** {@code Celeriac.setDefault}: the app that stubs use without {@code .on(app)}, one per JVM. */
  public static final String DEFAULT_APP = "celeriac-it:default-app";

  private Lanes() {}
}
