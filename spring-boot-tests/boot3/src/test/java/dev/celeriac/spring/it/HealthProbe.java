package dev.celeriac.spring.it;

import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthContributorRegistry;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.ApplicationContext;

/** Reads the {@code celeriac} health through Boot 3's health API, as the health endpoint does. */
final class HealthProbe {

  private HealthProbe() {}

  /** The status and details of the contributor registered as {@code celeriac}. */
  static Map<String, Object> celeriac(ApplicationContext context) {
    Map<String, Object> health = celeriacIfRegistered(context);
    if (health.isEmpty()) {
      throw new AssertionError("no health contributor named celeriac");
    }
    return health;
  }

  /** The same, or nothing when no contributor is registered as {@code celeriac}. */
  static Map<String, Object> celeriacIfRegistered(ApplicationContext context) {
    HealthContributor contributor = context.getBean(HealthContributorRegistry.class).getContributor("celeriac");
    if (contributor == null) {
      return Map.of();
    }
    Health health = ((HealthIndicator) contributor).health();
    return Map.of("status", health.getStatus().getCode(), "details", health.getDetails());
  }
}
