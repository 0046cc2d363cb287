package dev.celeriac.spring.boot.health;

import dev.celeriac.Celeriac;
import dev.celeriac.spring.boot.CeleriacAutoConfiguration;
import dev.celeriac.spring.boot.CeleriacWorkerLifecycle;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code celeriac} health indicator on Spring Boot 3, whose Actuator has the health API in {@code
 * org.springframework.boot.actuate.health}; {@link Boot4HealthAutoConfiguration} is its Boot 4 twin. Off with {@code
 * management.health.celeriac.enabled=false}.
 */
@AutoConfiguration(after = CeleriacAutoConfiguration.class)
@ConditionalOnClass(name = {"org.springframework.boot.actuate.health.HealthIndicator",
    "org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator"})
@ConditionalOnBean(Celeriac.class)
@ConditionalOnEnabledHealthIndicator("celeriac")
public class Boot3HealthAutoConfiguration {

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
