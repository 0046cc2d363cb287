package dev.celeriac.spring.it;

import dev.celeriac.Extras;
import dev.celeriac.Task;
import java.util.Map;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Service;

/**
 * A lazy bean whose creation fails the first time (its database is not up): the run that asks for it first fails,
 * and the task's retry gets the bean.
 */
@Service
@Lazy
public class LedgerService {

  private final Outbox outbox;

  public LedgerService(LedgerDatabase database, Outbox outbox) {
    database.connect();
    this.outbox = outbox;
  }

  @Task(name = "spring.it.book", queue = "spring-it", defaultRetryDelaySeconds = 0, maxRetries = 3)
  public void book(long amount, @Extras Map<String, Object> extras) {
    outbox.add("booked " + amount, this);
  }
}
