package dev.celeriac;

import java.util.List;
import java.util.Objects;

/** What applying a {@link Group} returns: the group id (the {@code group} header) and each member's task. */
public final class GroupRef {

  private final String id;
  private final List<TaskRef> members;

  public GroupRef(String id, List<TaskRef> members) {
    this.id = Objects.requireNonNull(id);
    this.members = List.copyOf(members);
  }

  /** The group id every member carries in its {@code group} header. */
  public String id() {
    return id;
  }

  /** The members' tasks, in order. */
  public List<TaskRef> members() {
    return members;
  }

  @Override
  public String toString() {
    return "group[" + id + "] of " + members.size();
  }
}
