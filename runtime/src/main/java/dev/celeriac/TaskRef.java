package dev.celeriac;

import java.util.Objects;

/** What an enqueue returns: the new message's task id, the task name and the queue it went to. */
public final class TaskRef {

  private final String id;
  private final String name;
  private final String queue;

  public TaskRef(String id, String name, String queue) {
    this.id = Objects.requireNonNull(id);
    this.name = Objects.requireNonNull(name);
    this.queue = Objects.requireNonNull(queue);
  }

  /** The task id (the Celery {@code id} header), a UUID that stays the same across retries. */
  public String id() {
    return id;
  }

  public String name() {
    return name;
  }

  public String queue() {
    return queue;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TaskRef other && id.equals(other.id) && name.equals(other.name) && queue.equals(other.queue);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return name + "[" + id + "] on " + queue;
  }
}
