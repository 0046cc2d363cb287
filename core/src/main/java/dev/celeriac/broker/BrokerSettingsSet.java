package dev.celeriac.broker;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The {@link BrokerSettings} an application configured, at most one of each type; a broker module asks for its own
 * type and falls back to its defaults. Immutable.
 */
public final class BrokerSettingsSet {

  /** No settings: every broker module uses its defaults. */
  public static final BrokerSettingsSet EMPTY = new BrokerSettingsSet(Map.of());

  private final Map<Class<?>, BrokerSettings> byType;

  private BrokerSettingsSet(Map<Class<?>, BrokerSettings> byType) {
    this.byType = byType;
  }

  /** This set with {@code settings} in place of any of the same type. */
  public BrokerSettingsSet with(BrokerSettings settings) {
    Objects.requireNonNull(settings);
    Map<Class<?>, BrokerSettings> copy = new LinkedHashMap<>(byType);
    copy.put(settings.getClass(), settings);
    return new BrokerSettingsSet(Map.copyOf(copy));
  }

  /** The settings of {@code type}, or {@code defaults} when none were configured. */
  public <S extends BrokerSettings> S get(Class<S> type, Supplier<S> defaults) {
    BrokerSettings settings = byType.get(type);
    return settings == null ? defaults.get() : type.cast(settings);
  }

  /** Every settings object in this set, in no particular order. */
  public Collection<BrokerSettings> all() {
    return List.copyOf(byType.values());
  }

  /** This set with each member's connect timeout set to {@code timeout}: {@link BrokerSettings#withConnectTimeout}. */
  public BrokerSettingsSet withConnectTimeout(Duration timeout) {
    BrokerSettingsSet result = EMPTY;
    for (BrokerSettings settings : byType.values()) {
      result = result.with(settings.withConnectTimeout(timeout));
    }
    return result;
  }

  @Override
  public String toString() {
    return byType.values().toString();
  }
}
