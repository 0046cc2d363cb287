package dev.celeriac.spring.it;

import dev.celeriac.Extras;
import dev.celeriac.Periodic;
import dev.celeriac.Task;
import java.util.Map;
import org.springframework.stereotype.Service;

/** A periodic task on a bean, every minute: a cron that starts fires the current minute's slot at once. */
@Service
public class DigestService {

  private final Outbox outbox;

  public DigestService(Outbox outbox) {
    this.outbox = outbox;
  }

  @Task(name = "spring.it.digest", queue = "spring-it-cron")
  @Periodic(cron = "* * * * *", zone = "UTC")
  public void digest(@Extras Map<String, Object> extras) {
    outbox.add("digest", this);
  }
}
