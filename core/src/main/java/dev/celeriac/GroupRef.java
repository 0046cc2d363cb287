package dev.celeriac;

import java.util.List;
import java.util.Objects;

/** What applying a {@link Group} returns: the group id (the {@code group} header) and each member's task. */
public final class GroupRef {

  private final String id;
  private final List<TaskRef<?>> members;
  private final Celeriac app;

  public GroupRef(String id, List<TaskRef<?>> members) {
    this(id, members, null);
  }

  GroupRef(String id, List<TaskRef<?>> members, Celeriac app) {
    this.id = Objects.requireNonNull(id);
    this.members = List.copyOf(members);
    this.app = app;
  }

  /**
   * Saves the group in the result backend as Celery's {@code GroupResult.save()} does
   * ({@code celery-taskset-meta-<id>}), so that Python's {@code GroupResult.restore(id)} finds its members.
   *
   * @throws IllegalStateException when the app has no result backend
   */
  public GroupRef save() {
    Celeriac target = app != null ? app : Celeriac.getDefault();
    target.saveGroup(id, members.stream().map(TaskRef::id).toList());
    return this;
  }

  /** The group id every member carries in its {@code group} header. */
  public String id() {
    return id;
  }

  /** The members' tasks, in order. */
  public List<TaskRef<?>> members() {
    return members;
  }

  @Override
  public String toString() {
    return "group[" + id + "] of " + members.size();
  }
}
