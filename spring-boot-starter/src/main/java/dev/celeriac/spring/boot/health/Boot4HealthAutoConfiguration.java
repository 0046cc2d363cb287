package dev.celeriac.spring.boot.health;

import dev.celeriac.Celeriac;
import dev.celeriac.spring.boot.CeleriacAutoConfiguration;
import dev.celeriac.spring.boot.CeleriacWorkerLifecycle;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code celeriac} health indicator on Spring Boot 4, which moved the health API to {@code
 * org.springframework.boot.health} (module spring-boot-health); {@link Boot3HealthAutoConfiguration} is its Boot 3
 * twin. Off with {@code management.health.celeriac.enabled=false}.
 */
@AutoConfiguration(after = CeleriacAutoConfiguration.class)
@ConditionalOnClass(name = {"org.springframework.boot.health.contributor.HealthIndicator",
    "org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator"})
@ConditionalOnBean(Celeriac.class)
@ConditionalOnEnabledHealthIndicator("celeriac")
public class Boot4HealthAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "celeriacHealthIndicator")
  HealthIndicator celeriacHealthIndicator(Celeriac celeriac, ObjectProvider<CeleriacWorkerLifecycle> worker) {
    CeleriacHealthCheck check = new CeleriacHealthCheck(celeriac, worker);
    return () -> {
      CeleriacHealthCheck.Result result = check.check();
      return (result.up() ? Health.up() : Health.down()).withDetails(result.details()).build();
    };
  }
}
