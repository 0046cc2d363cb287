package dev.celeriac.spring.it;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.stereotype.Component;

/** What the tasks did: a collaborator they get injected, and where the tests look. */
@Component
public class Outbox {

  /** One thing a task did, the object it ran on, and the thread it ran in. */
  public record Entry(String text, Object on, Thread thread) {}

  private final List<Entry> entries = new CopyOnWriteArrayList<>();

  public void add(String text, Object on) {
    entries.add(new Entry(text, on, Thread.currentThread()));
  }

  public List<Entry> entries() {
    return entries;
  }

  public List<String> texts() {
    return entries.stream().map(Entry::text).toList();
  }

  public Entry find(String text) {
    return entries.stream().filter(entry -> entry.text().equals(text)).findFirst()
        .orElseThrow(() -> new AssertionError("no '" + text + "' in " + texts()));
  }
}
