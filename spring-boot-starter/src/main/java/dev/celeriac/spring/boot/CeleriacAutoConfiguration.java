package dev.celeriac.spring.boot;

import dev.celeriac.Celeriac;
import dev.celeriac.CeleriacConfig;
import dev.celeriac.ConfigLoader;
import dev.celeriac.ConfigurationException;
import dev.celeriac.InstanceProvider;
import dev.celeriac.worker.WorkerOptions;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Celeriac in a Spring Boot application: a {@link Celeriac} bean configured from the {@code celeriac.*} properties
 * and made the default app, so that generated stubs enqueue without {@code .on(app)}; instance tasks running on the
 * context's beans; and, when enabled, the worker and the cron as lifecycle beans. A {@code Celeriac} or {@code
 * InstanceProvider} bean of the application's own replaces the starter's.
 */
@AutoConfiguration
@ConditionalOnClass(Celeriac.class)
@EnableConfigurationProperties(CeleriacProperties.class)
public class CeleriacAutoConfiguration {

  /** The context's beans, for the tasks declared on them; see {@link SpringInstanceProvider}. */
  @Bean
  @ConditionalOnMissingBean
  InstanceProvider celeriacInstanceProvider(ApplicationContext context) {
    return new SpringInstanceProvider(context.getAutowireCapableBeanFactory());
  }

  /**
   * The app, storing results in {@code celeriac.result-backend}, else {@code RESULT_BACKEND}, else
   * {@code result.backend}: {@code celeriac.broker-url}, else {@code BROKER_URL}, else {@code broker.url} in the file {@code
   * CELERIAC_CONF} names, else {@code memory://} with a warning; in eager mode, no broker at all.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  Celeriac celeriac(CeleriacProperties properties, InstanceProvider instanceProvider,
      ObjectProvider<CeleriacConfigCustomizer> customizers) {
    CeleriacConfig base = properties.isEager()
        ? CeleriacConfig.builder().eager(true).build()
        : ConfigLoader.load(System.getenv(), properties.getBrokerUrl(), properties.getResultBackend());
    CeleriacConfig.Builder config = base.toBuilder()
        .worker(workerOptions(base.worker(), properties.getWorker()))
        .instanceProvider(instanceProvider);
    customizers.orderedStream().forEach(customizer -> customizer.customize(config));
    return Celeriac.create(config.build());
  }

  @Bean
  DefaultAppRegistration celeriacDefaultApp(Celeriac celeriac) {
    return new DefaultAppRegistration(celeriac);
  }

  /** The worker and the cron: an eager app sends nothing to a broker, so they start only for one that is not. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(prefix = "celeriac", name = "eager", havingValue = "false", matchIfMissing = true)
  static class Processes {

    @Bean
    @ConditionalOnProperty(prefix = "celeriac.worker", name = "enabled", havingValue = "true")
    CeleriacWorkerLifecycle celeriacWorker(Celeriac celeriac, ObjectProvider<MeterRegistry> meterRegistry) {
      return new CeleriacWorkerLifecycle(celeriac, celeriac.config().worker(), meterRegistry);
    }

    @Bean
    @ConditionalOnProperty(prefix = "celeriac.cron", name = "enabled", havingValue = "true")
    CeleriacCronLifecycle celeriacCron(Celeriac celeriac, ObjectProvider<MeterRegistry> meterRegistry) {
      return new CeleriacCronLifecycle(celeriac, meterRegistry);
    }
  }

  /** The worker options of {@code celeriac.worker.*} over those read from the environment. */
  private static WorkerOptions workerOptions(WorkerOptions fromEnvironment, CeleriacProperties.Worker properties) {
    WorkerOptions.Builder options = fromEnvironment.toBuilder();
    try {
      if (!properties.getQueues().isEmpty()) {
        options.queues(properties.getQueues());
      }
      if (properties.getConcurrency() != null) {
        options.concurrency(properties.getConcurrency());
      }
      if (properties.getPrefetch() != null) {
        options.prefetch(properties.getPrefetch());
      }
      if (properties.getShutdownTimeout() != null) {
        options.shutdownTimeout(properties.getShutdownTimeout());
      }
      if (properties.getHostname() != null) {
        options.hostname(properties.getHostname());
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("bad celeriac.worker property: " + e.getMessage(), e);
    }
    return options.build();
  }
}
