package dev.celeriac.spring.boot;

import dev.celeriac.Celeriac;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

/**
 * Makes the context's {@link Celeriac} the default app, which generated stubs use without {@code .on(app)}, and
 * clears it when the context closes unless another context made its own the default since.
 */
final class DefaultAppRegistration implements InitializingBean, DisposableBean {

  private final Celeriac app;

  DefaultAppRegistration(Celeriac app) {
    this.app = app;
  }

  @Override
  public void afterPropertiesSet() {
    Celeriac.setDefault(app);
  }

  @Override
  public void destroy() {
    if (isDefault(app)) {
      Celeriac.setDefault(null);
    }
  }

  private static boolean isDefault(Celeriac app) {
    try {
      return Celeriac.getDefault() == app;
    } catch (IllegalStateException none) {
      return false;
    }
  }
}
