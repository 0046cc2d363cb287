package dev.celeriac.spring.it;

import dev.celeriac.Extras;
import dev.celeriac.Task;
import java.util.Map;
import org.springframework.beans.factory.annotation.Autowired;

/** Tasks on a class that is no bean: the context makes one instance of it, with its injections. */
public class PlainTasks {

  @Autowired
  private Outbox outbox;

  @Task(name = "spring.it.note", queue = "spring-it")
  public void note(String text, @Extras Map<String, Object> extras) {
    outbox.add("noted " + text, this);
  }
}
