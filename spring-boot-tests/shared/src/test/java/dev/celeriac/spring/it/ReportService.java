package dev.celeriac.spring.it;

import dev.celeriac.Extras;
import dev.celeriac.Task;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Service;

/** A long task that runs until the test releases it: to close the context while it is in flight. */
@Service
public class ReportService {

  private final Outbox outbox;
  private final CountDownLatch release = new CountDownLatch(1);

  public ReportService(Outbox outbox) {
    this.outbox = outbox;
  }

  @Task(name = "spring.it.report", queue = "spring-it-slow", maxRetries = 0)
  public void report(String name, @Extras Map<String, Object> extras) throws InterruptedException {
    outbox.add("report " + name + " started", this);
    if (!release.await(2, TimeUnit.MINUTES)) {
      throw new IllegalStateException("the test never released report " + name);
    }
    outbox.add("report " + name + " finished", this);
  }

  public void release() {
    release.countDown();
  }
}
