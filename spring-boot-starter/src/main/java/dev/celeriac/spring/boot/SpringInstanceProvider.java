package dev.celeriac.spring.boot;

import dev.celeriac.InstanceProvider;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.AutowireCapableBeanFactory;

/**
 * Instance tasks run on the context's beans: the bean of the task's class, created when first asked for if it is
 * lazy, a new one per run if it is a prototype. A class that is no bean is made once by the context, with
 * constructor injection and its post-processors, as it would be without Spring, and destroyed with it. A failure of
 * either is a failed run, retried by the task's policy; nothing failed is kept, so the next run tries again.
 */
final class SpringInstanceProvider implements InstanceProvider, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(SpringInstanceProvider.class);

  private final AutowireCapableBeanFactory beans;
  private final ConcurrentMap<Class<?>, Object> unmanaged = new ConcurrentHashMap<>();

  SpringInstanceProvider(AutowireCapableBeanFactory beans) {
    this.beans = beans;
  }

  @Override
  public <T> T get(Class<T> type) {
    // Throws NoUniqueBeanDefinitionException for two candidates without a @Primary: the run fails, saying so.
    T bean = beans.getBeanProvider(type).getIfAvailable();
    if (bean != null) {
      return bean;
    }
    return type.cast(unmanaged.computeIfAbsent(type, this::create));
  }

  private Object create(Class<?> type) {
    log.debug("{} declares tasks but is no bean; creating one instance of it through the context", type.getName());
    return beans.createBean(type);
  }

  @Override
  public void destroy() {
    unmanaged.values().forEach(beans::destroyBean);
    unmanaged.clear();
  }
}
