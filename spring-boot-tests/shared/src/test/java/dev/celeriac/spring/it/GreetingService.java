package dev.celeriac.spring.it;

import dev.celeriac.Extras;
import dev.celeriac.Task;
import java.util.Map;
import org.springframework.stereotype.Service;

/** A service with constructor injection and no no-argument constructor, whose task runs on the bean. */
@Service
public class GreetingService {

  private final Outbox outbox;

  public GreetingService(Outbox outbox) {
    this.outbox = outbox;
  }

  @Task(name = "spring.it.greet", queue = "spring-it")
  public void greet(String name, @Extras Map<String, Object> extras) {
    outbox.add("hello " + name, this);
  }
}
