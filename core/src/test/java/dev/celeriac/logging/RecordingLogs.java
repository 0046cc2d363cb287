package dev.celeriac.logging;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The runtime tests' logging backend: slf4j-simple, which prints every line as before, plus an MDC that keeps
 * its values (slf4j-simple's is a no-op, so {@code MDC.get} would always be null) and a record of each line at
 * {@code info} or above, printed or not (tests print {@code warn} and above), with the MDC it was logged under,
 * which is what a Logback pattern's {@code %X{task_id}} shows. Chosen by {@code -Dslf4j.provider} in the runtime's
 * surefire configuration; child JVMs keep plain slf4j-simple.
 */
public final class RecordingLogs implements SLF4JServiceProvider {

  /** One line and the MDC of the thread that logged it. */
  public record Line(String logger, Level level, String thread, String message, Map<String, String> mdc) {}

  private static final List<Line> LINES = new CopyOnWriteArrayList<>();

  private final SimpleServiceProvider simple = new SimpleServiceProvider();
  private final MDCAdapter mdc = new BasicMDCAdapter();
  private ILoggerFactory factory;

  /** Every line at {@code info} or above logged in this JVM so far, oldest first. */
  public static List<Line> lines() {
    return LINES;
  }

  @Override
  public void initialize() {
    simple.initialize();
    ILoggerFactory printing = simple.getLoggerFactory();
    Map<String, Logger> loggers = new ConcurrentHashMap<>();
    factory = name -> loggers.computeIfAbsent(name, key -> new Recording(key, printing.getLogger(key), mdc));
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return simple.getMarkerFactory();
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return simple.getRequestedApiVersion();
  }

  /**
   * Enabled from {@code info} up, and where slf4j-simple's logger is; records a line at {@code info} or above, then
   * has slf4j-simple print it if its level is enabled there.
   */
  private static final class Recording extends LegacyAbstractLogger {
    private final transient Logger printing;
    private final transient MDCAdapter mdc;

    Recording(String name, Logger printing, MDCAdapter mdc) {
      this.name = name;
      this.printing = printing;
      this.mdc = mdc;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
        Throwable throwable) {
      String message = MessageFormatter.basicArrayFormat(pattern, arguments);
      Map<String, String> context = mdc.getCopyOfContextMap();
      if (level.toInt() >= Level.INFO.toInt()) {
        LINES.add(new Line(name, level, Thread.currentThread().getName(), message,
            context == null ? Map.of() : Map.copyOf(context)));
      }
      if (printing.isEnabledForLevel(level)) {
        printing.atLevel(level).setCause(throwable).log(message);
      }
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    public boolean isTraceEnabled() {
      return printing.isTraceEnabled();
    }

    @Override
    public boolean isDebugEnabled() {
      return printing.isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }
  }
}
